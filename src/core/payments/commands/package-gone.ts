/**
 * The fan's auto-recharge package is no longer sold (archived, or its price changed and
 * `products sync` replaced it): instead of silently charging nothing, the crossing spend
 * tells the fan once and offers the current package. The package is never switched without
 * the fan: a new price needs their consent.
 */
import type { LocalProduct } from '../../catalog.js';
import { PRIORITY } from '../../traffic/outbox.js';
import type { PaymentFan, ReplyButton } from '../ports.js';
import { priceOf, productButtonText, type CommandContext } from './context.js';
import { renderReply } from './reply.js';

/** At most this many packages are offered in the notice (the menu has them all). */
const MAX_OFFERS = 4;

/** Tells the fan their package is gone, once per package, with the packages to choose from. */
export async function tellPackageGone<Tx>(
  ctx: CommandContext<Tx>,
  acct: PaymentFan,
  goneProductId: number,
): Promise<void> {
  const gone = await ctx.store.product(goneProductId);
  if (!gone || gone.type !== 'credits') return;
  const t = ctx.templates.forLanguage(acct.languageCode);
  const offers = replacements(await ctx.store.activeProducts(), gone);
  const vars = { label: gone.label, price: priceOf(t, gone) };
  const buttons: ReplyButton[][] = offers.map((p) => [
    { text: productButtonText(t, p), callbackData: `ar:p:${p.id}` },
  ]);
  const text =
    offers.length > 0
      ? t('payment.auto_recharge.package_gone', vars)
      : t('payment.auto_recharge.package_gone_none', vars);
  await ctx.store.enqueue([
    {
      kind: 'notice.payment',
      target: { type: 'chat', chatId: acct.id },
      method: 'sendMessage',
      params: renderReply({ text, buttons }),
      priority: PRIORITY.payment,
      // Once per package: later crossings before the fan chooses add nothing.
      dedupeKey: `recharge_gone:${acct.id}:${gone.id}`,
      fanId: acct.id,
    },
  ]);
  ctx.onEnqueued?.();
  ctx.logger.info({ fanId: acct.id, productId: gone.id }, 'auto-recharge package no longer sold');
}

/** Packages of the same amount (the repriced one) first; otherwise every credits package. */
function replacements(active: LocalProduct[], gone: LocalProduct): LocalProduct[] {
  const credits = active.filter((p) => p.type === 'credits' && p.stripePriceId);
  const same = credits.filter((p) => p.amount === gone.amount);
  return (same.length > 0 ? same : credits).slice(0, MAX_OFFERS);
}
