/**
 * A Star subscription that was not renewed: Telegram sends nothing when a fan cancels a
 * subscription or lacks the Stars for its renewal, so the upkeep job notices the paid period
 * ended with no renewal payment and sends this event. Claimed once per subscription and
 * period end (`tg_stars_lapse:<id>:<end>`), and the row changes only while it is still active
 * and still ends then — a renewal that lands first wins, and nobody is told twice.
 */
import { formatDateTime } from '../../time-format.js';
import type { LapsedStarsSubscription } from '../events.js';
import { noteTopic, notifyFan, type HandlerContext } from './context.js';

/** Marks the subscription lapsed, tells the fan and notes it in their topic. */
export async function onStarsSubscriptionLapsed<Tx>(
  ctx: HandlerContext<Tx>,
  lapse: LapsedStarsSubscription,
): Promise<void> {
  const ended = await ctx.store.endStarsSubscription(
    { status: 'lapsed', id: lapse.id, expiresAt: lapse.expiresAt },
    ctx.tx,
  );
  if (!ended) return;
  const product =
    lapse.productId === null ? null : await ctx.store.product(lapse.productId, ctx.tx);
  const label = product?.label ?? '';
  const key = `stars_lapse:${lapse.id}:${lapse.expiresAt.getTime()}`;
  const date = (t: { locale?: string }) => formatDateTime(lapse.expiresAt, { locale: t.locale });
  await notifyFan(ctx, lapse.fanId, key, (t) =>
    t('payment.stars.subscription.lapsed', { label, date: date(t) }),
  );
  noteTopic(ctx, lapse.fanId, `${key}:note`, (t) =>
    t('payment.note.stars_subscription_lapsed', { label, date: date(t), stars: lapse.stars }),
  );
}
