/**
 * `charge.refunded` and `charge.refund.updated`: every refund of the charge, keyed by its
 * Refund id (`refund:<re_…>`), takes back its share of the purchase — credits down to zero
 * and the rest as debt, or pass time — and a refund that failed or was cancelled gives its
 * credits back (`refund_reversal:<re_…>`). The refunds come from Stripe (charge-lookup.ts), so
 * every event about the charge, in any order, gives each refund the same share. A refund of
 * one of our payments not recorded yet is retried later; one of a charge premiumbot never
 * made is noted for the team.
 */
import { ledgerKeys, type Balance } from '../../ledger.js';
import type { ChargeFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { isFulfilled, refundPlan, statusAfterRefund, type RefundShare } from '../rules.js';
import { fanTexts, teamTexts } from '../texts.js';
import { noteTopic, notifyFan, type HandlerContext } from './context.js';
import { noteForeignCharge } from './foreign.js';
import { revokePassTime } from './pass-revoke.js';
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
    if (!row)
      noteForeignCharge(ctx, 'refund', charge.chargeId, charge.amountRefunded, charge.currency);
    return;
  }
  if (!charge.refunds) {
    // Only a charge read from Stripe lists every refund; without it a refund cannot be keyed.
    throw new RetryLaterError(`The refunds of charge ${charge.chargeId} could not be read`);
  }
  const plan = refundPlan(granted(row), row.amountPaidCents, charge.refunds);
  for (const share of plan.shares) await applyShare(ctx, row, charge, share);
  for (const refundId of plan.ended) await reverseShare(ctx, row, charge, refundId);
  await store.updatePayment(
    row.id,
    {
      amountRefundedCents: plan.refundedTotal,
      status: statusAfterRefund(row.amountPaidCents, plan.refundedTotal),
      chargeId: charge.chargeId,
    },
    {},
    ctx.tx,
  );
  await store.refreshSpend(row.fanId, ctx.thresholds, ctx.tx);
}

/** What the purchase granted: credits, or pass seconds for a time purchase. */
function granted(row: PaymentRecord): number {
  return row.secondsGranted > 0 ? row.secondsGranted : row.creditsGranted;
}

/** The ledger keys a refund share is taken back under. */
export interface ShareKeys {
  refund: string;
  passRevoke: string;
}

/** A Stripe refund's keys: `refund:<re_…>`, `pass_revoke:<re_…>`. */
function stripeShareKeys(refundId: string): ShareKeys {
  return { refund: ledgerKeys.refund(refundId), passRevoke: ledgerKeys.passRevoke(refundId) };
}

/**
 * Takes back one refund's share (once, keyed on the refund) and tells fan and topic. Stars
 * refunds (handlers/stars-refund.ts) take the same path, keyed `stars:<charge>`.
 */
export async function applyShare<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  charge: Pick<ChargeFacts, 'chargeId' | 'currency'>,
  share: RefundShare,
  keys: ShareKeys = stripeShareKeys(share.refundId),
): Promise<void> {
  const fanId = row.fanId;
  const refunded = { amountCents: share.amount, currency: charge.currency };
  if (row.secondsGranted > 0) {
    if (share.units <= 0) return;
    const source = { id: share.refundId, reference: charge.chargeId, money: refunded };
    await revokePassTime(ctx, fanId, share.units, source, keys.passRevoke);
    return;
  }
  let removed = 0;
  let addedDebt = 0;
  let balance: Balance | null = null;
  if (share.units > 0) {
    const result = await ctx.ledger.refundCredits(
      fanId,
      share.units,
      keys.refund,
      { reference: charge.chargeId, note: `refund of ${charge.currency} ${share.amount}` },
      ctx.tx,
    );
    if (result.duplicate) return;
    removed = result.removed;
    addedDebt = result.addedDebt;
    balance = result.balance;
  }
  const current = balance ?? (await ctx.ledger.balance(fanId, ctx.tx));
  const left = { credits: current.credits, seconds: current.seconds, debt: current.debt };
  await notifyFan(ctx, fanId, `refund:${share.refundId}`, (t) =>
    fanTexts.refund(t, refunded, share.units, left, addedDebt),
  );
  noteTopic(ctx, fanId, `refund:${share.refundId}:topic`, (t) =>
    teamTexts.refundNote(t, refunded, removed, addedDebt),
  );
}

/** Gives back what a failed or cancelled refund took (once), and tells fan and topic. */
async function reverseShare<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  charge: ChargeFacts,
  refundId: string,
): Promise<void> {
  const fanId = row.fanId;
  const result = await ctx.ledger.reverseRefund(
    fanId,
    ledgerKeys.refund(refundId),
    ledgerKeys.refundReversal(refundId),
    { note: 'refund failed or cancelled' },
    ctx.tx,
  );
  if (!result || result.duplicate) return;
  const credits = result.returned + result.settled;
  const b = result.balance;
  const left = { credits: b.credits, seconds: b.seconds, debt: b.debt, timeDebt: b.timeDebt };
  await notifyFan(ctx, fanId, `refund_reversal:${refundId}`, (t) =>
    fanTexts.refundReversed(t, credits, left),
  );
  noteTopic(ctx, fanId, `refund_reversal:${refundId}:topic`, (t) =>
    teamTexts.refundReversedNote(t, charge.chargeId, credits),
  );
}
