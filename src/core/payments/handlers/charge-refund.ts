/**
 * `charge.refunded`: credits removed in proportion to the money refunded (all on a full
 * refund) down to zero, the rest recorded as debt; fan and topic told once per refund. A
 * refund of one of our payments not recorded yet is retried later.
 */
import { ledgerKeys, type Balance } from '../../ledger.js';
import type { ChargeFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import {
  creditsBetween,
  isFulfilled,
  refundShares,
  statusAfterRefund,
  type RefundShare,
} from '../rules.js';
import { fanTexts, teamTexts } from '../texts.js';
import { noteTopic, notifyFan, type HandlerContext } from './context.js';
import { RetryLaterError } from '../retry-later.js';

/** Applies every refund of the charge not applied yet, then the payment's totals and tier. */
export async function onRefund<Tx>(ctx: HandlerContext<Tx>, charge: ChargeFacts): Promise<void> {
  const { store } = ctx;
  const row = charge.paymentIntentId
    ? await store.lockExisting(ctx.tx, { paymentIntentId: charge.paymentIntentId })
    : null;
  if (!row || !isFulfilled(row.status)) {
    if (charge.purchase) {
      throw new RetryLaterError(
        `Refund of charge ${charge.chargeId} arrived before its payment was recorded`,
      );
    }
    return;
  }
  const shares = charge.refunds
    ? refundShares(row.creditsGranted, row.amountPaidCents, charge.refunds)
    : cumulativeShare(row, charge);
  for (const share of shares) await applyShare(ctx, row.fanId, charge, share);
  const refunded = Math.max(row.amountRefundedCents, charge.amountRefunded);
  await store.updatePayment(
    row.id,
    {
      amountRefundedCents: refunded,
      status: statusAfterRefund(row.amountPaidCents, refunded),
      chargeId: charge.chargeId,
    },
    {},
    ctx.tx,
  );
  await store.refreshSpend(row.fanId, ctx.thresholds, ctx.tx);
}

/** Takes back one refund's credits (once, keyed on the refund) and tells fan and topic. */
async function applyShare<Tx>(
  ctx: HandlerContext<Tx>,
  fanId: number,
  charge: ChargeFacts,
  share: RefundShare,
): Promise<void> {
  let removed = 0;
  let addedDebt = 0;
  let balance: Balance | null = null;
  if (share.credits > 0) {
    const result = await ctx.ledger.refundCredits(
      fanId,
      share.credits,
      ledgerKeys.refund(share.refundId),
      { reference: charge.chargeId, note: `refund of ${charge.currency} ${share.amount}` },
      ctx.tx,
    );
    if (result.duplicate) return;
    removed = result.removed;
    addedDebt = result.addedDebt;
    balance = result.balance;
  }
  const current = balance ?? (await ctx.ledger.balance(fanId, ctx.tx));
  const refunded = { amountCents: share.amount, currency: charge.currency };
  const left = { credits: current.credits, seconds: current.seconds, debt: current.debt };
  await notifyFan(ctx, fanId, `refund:${share.refundId}`, (t) =>
    fanTexts.refund(t, refunded, share.credits, left, addedDebt),
  );
  noteTopic(ctx, fanId, `refund:${share.refundId}:topic`, (t) =>
    teamTexts.refundNote(t, refunded, removed, addedDebt),
  );
}

/** Without a refund list: what the cumulative refunded amount adds since the last one applied. */
function cumulativeShare(row: PaymentRecord, charge: ChargeFacts): RefundShare[] {
  if (charge.amountRefunded <= row.amountRefundedCents) return [];
  return [
    {
      refundId: `${charge.chargeId}-${charge.amountRefunded}`,
      amount: charge.amountRefunded - row.amountRefundedCents,
      credits: creditsBetween(
        row.creditsGranted,
        row.amountPaidCents,
        row.amountRefundedCents,
        charge.amountRefunded,
      ),
    },
  ];
}
