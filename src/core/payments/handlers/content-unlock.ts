/**
 * A vault item bought with money (a one-off Checkout Session carrying
 * `premiumbot_content_id`): the payment row is marked paid, the unlock recorded in the
 * fan's library, the original media delivered and the team told — once, keyed on the
 * session (the locked payment row) and on the fan and item (`content:deliver:<fan>:<item>`,
 * the same delivery as a credits unlock). No credits are granted, so a later refund or lost
 * dispute takes none back and revokes nothing delivered: it is recorded on the payment row.
 */
import { unlockNote } from '../../content/notes.js';
import { deliveryJobs } from '../../content/teaser.js';
import { formatMoney } from '../../money.js';
import type { PurchaseMetadata } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { isFulfilled } from '../rules.js';
import type { HandlerContext } from './context.js';
import type { PaidAmount } from './purchase.js';

/** Fulfils a paid Checkout for a vault item. */
export async function fulfilContent<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  purchase: PurchaseMetadata,
  paid: PaidAmount,
): Promise<void> {
  if (isFulfilled(row.status)) return;
  const fanId = purchase.fanId;
  await ctx.store.updatePayment(
    row.id,
    {
      status: 'paid',
      amountPaidCents: paid.amountCents,
      currency: paid.currency,
      creditsGranted: 0,
      secondsGranted: 0,
      ...(paid.paymentIntentId && row.paymentIntentId === null
        ? { paymentIntentId: paid.paymentIntentId }
        : {}),
      failureCode: null,
    },
    {},
    ctx.tx,
  );
  await ctx.store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
  const item = ctx.content ? await ctx.content.getItem(purchase.contentId!, ctx.tx) : null;
  if (!ctx.content || !item) {
    throw new Error(`Checkout for vault item ${purchase.contentId} that is not in the vault`);
  }
  await ctx.content.recordPurchase(
    { fanId, itemId: item.id, source: 'stripe', paymentId: row.id, sentAt: new Date() },
    ctx.tx,
  );
  ctx.jobs.push(...deliveryJobs(item, fanId, `content:deliver:${fanId}:${item.id}`));
  if (ctx.adminChatId === undefined) return;
  const fan = await ctx.store.fan(fanId, ctx.tx);
  const price = formatMoney(paid.amountCents, paid.currency, ctx.team.locale);
  ctx.jobs.push(
    unlockNote(ctx.team, ctx.adminChatId, { id: fanId, firstName: fan?.firstName }, item, price),
  );
}
