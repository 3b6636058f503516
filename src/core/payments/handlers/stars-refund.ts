/**
 * A Telegram Stars refund: `refundStarPayment` refunds a Stars payment whole, so the charge
 * names its one refund (`stars:<charge>`). The purchase is taken back by the same rules as a
 * Stripe refund (`applyShare`: credits down to zero and the rest as debt, or pass time), keyed
 * `refund:stars:<charge>` (`pass_revoke:stars:<charge>`). The processor claims
 * `tg_stars_refund:<charge>` first, so the refund we apply after calling Telegram and the
 * `refunded_payment` message Telegram sends about it are applied once; a refund made
 * elsewhere (Telegram support) arrives only as that message and is applied from it.
 */
import type { StarsRefundFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { isFulfilled } from '../rules.js';
import { starsRefundId, starsRefundKeys } from '../stars.js';
import type { HandlerContext } from './context.js';
import { applyShare } from './charge-refund.js';

/** Takes back what the Stars payment granted, once per Telegram charge. */
export async function onStarsRefund<Tx>(
  ctx: HandlerContext<Tx>,
  refund: StarsRefundFacts,
): Promise<void> {
  const row = await ctx.store.lockExisting(ctx.tx, { chargeId: refund.chargeId });
  // Not one of our Stars payments, or already refunded in full: nothing left to take back.
  if (!row || row.source !== 'stars' || row.fanId !== refund.fanId) return;
  if (!isFulfilled(row.status) || row.status === 'refunded') return;
  const units = granted(row);
  const share = { refundId: starsRefundId(refund.chargeId), amount: row.amountPaidCents, units };
  const charge = { chargeId: refund.chargeId, currency: row.currency };
  await applyShare(ctx, row, charge, share, starsRefundKeys(refund.chargeId));
  await ctx.store.updatePayment(
    row.id,
    { amountRefundedCents: row.amountPaidCents, status: 'refunded' },
    {},
    ctx.tx,
  );
  // A refunded subscription payment ends the subscription (Telegram stops renewing it).
  await ctx.store.endStarsSubscription({ status: 'refunded', chargeId: refund.chargeId }, ctx.tx);
  await ctx.store.refreshSpend(row.fanId, ctx.thresholds, ctx.tx);
}

/** What the purchase granted: credits, or pass seconds for a time purchase. */
function granted(row: PaymentRecord): number {
  return row.secondsGranted > 0 ? row.secondsGranted : row.creditsGranted;
}
