/** Pure payment rules: refund proportions, state transitions, recharge triggers. */
import type { Translate } from '../templates.js';
import type { RefundFacts } from './events.js';

/** Statuses of a `transactions` row. */
export type TransactionStatus =
  'pending' | 'paid' | 'partially_refunded' | 'refunded' | 'failed' | 'expired';

/** Statuses after which the payment's money was received (fulfilment happened). */
export const FULFILLED_STATUSES: readonly TransactionStatus[] = [
  'paid',
  'partially_refunded',
  'refunded',
];

/** True when a payment in `status` has already been fulfilled (a later event grants nothing). */
export function isFulfilled(status: string): boolean {
  return (FULFILLED_STATUSES as readonly string[]).includes(status);
}

/**
 * Credits a refunded amount stands for: proportional to the money, rounded down, and all of
 * them once the whole payment is refunded.
 */
export function creditsForRefundedAmount(
  creditsGranted: number,
  amountPaid: number,
  refundedTotal: number,
): number {
  if (creditsGranted <= 0 || amountPaid <= 0 || refundedTotal <= 0) return 0;
  if (refundedTotal >= amountPaid) return creditsGranted;
  return Math.floor((creditsGranted * refundedTotal) / amountPaid);
}

/** Credits a refund takes back when the refunded total goes from `before` to `after`. */
export function creditsBetween(
  creditsGranted: number,
  amountPaid: number,
  before: number,
  after: number,
): number {
  return (
    creditsForRefundedAmount(creditsGranted, amountPaid, after) -
    creditsForRefundedAmount(creditsGranted, amountPaid, before)
  );
}

/** One refund and what it takes back: credits, or pass seconds for a time purchase. */
export interface RefundShare {
  refundId: string;
  amount: number;
  /** Credits (or pass seconds) this refund takes back. */
  units: number;
}

/** True for a refund that failed or was cancelled: its money stayed with the merchant. */
export function refundEnded(status: string): boolean {
  return status === 'failed' || status === 'canceled';
}

/** What a charge's refunds mean for its purchase. */
export interface RefundPlan {
  /** Refunds in force, each with what it takes back. */
  shares: RefundShare[];
  /** Refunds that failed or were cancelled: whatever they took is given back. */
  ended: string[];
  /** The money refunded and not given back. */
  refundedTotal: number;
}

/**
 * Splits a charge's refunds (oldest first, as Stripe made them) into what each takes back
 * of `granted` (credits or pass seconds): refund i takes
 * floor(granted × R_i / paid) − floor(granted × R_(i−1) / paid), where R_i is the money of the
 * refunds in force up to and including it, and a refund reaching the whole payment takes
 * everything left. So the parts of a full refund add up to the whole purchase, and the split
 * only depends on the list: every event about the charge gives each refund the same share.
 */
export function refundPlan(
  granted: number,
  amountPaid: number,
  refunds: readonly RefundFacts[],
): RefundPlan {
  const shares: RefundShare[] = [];
  const ended: string[] = [];
  let refunded = 0;
  for (const refund of refunds) {
    if (refundEnded(refund.status)) {
      ended.push(refund.refundId);
      continue;
    }
    const before = refunded;
    refunded += refund.amount;
    const units = creditsBetween(granted, amountPaid, before, refunded);
    shares.push({ refundId: refund.refundId, amount: refund.amount, units });
  }
  return { shares, ended, refundedTotal: refunded };
}

/** The status of a paid transaction after `refundedTotal` was refunded. */
export function statusAfterRefund(amountPaid: number, refundedTotal: number): TransactionStatus {
  if (refundedTotal <= 0) return 'paid';
  return refundedTotal >= amountPaid ? 'refunded' : 'partially_refunded';
}

/** Dispute states stored on a transaction; a closed dispute never reopens. */
export type DisputeStatus = 'open' | 'won' | 'lost';

/** The dispute state after a Stripe dispute status, never going back from closed to open. */
export function nextDisputeStatus(
  current: DisputeStatus | null,
  stripeStatus: string,
): DisputeStatus {
  if (current === 'won' || current === 'lost') return current;
  if (stripeStatus === 'won' || stripeStatus === 'warning_closed') return 'won';
  if (stripeStatus === 'lost') return 'lost';
  return 'open';
}

/**
 * True when a spend took the balance from above the threshold to at or below it: the one
 * spend that should start an auto-recharge.
 */
export function crossesThreshold(before: number, after: number, threshold: number): boolean {
  return before > threshold && after <= threshold;
}

/** Thresholds offered in the /autorecharge menu. */
export const RECHARGE_THRESHOLDS = [0, 2, 5, 10, 20] as const;

/** The default threshold when a fan turns auto-recharge on without choosing. */
export const DEFAULT_RECHARGE_THRESHOLD = 5;

/** The fan-facing reason (a `payment.decline.*` template) of common decline codes. */
const DECLINE_REASONS = new Map<string, string>([
  ['insufficient_funds', 'payment.decline.insufficient_funds'],
  ['expired_card', 'payment.decline.expired_card'],
  ['incorrect_cvc', 'payment.decline.incorrect_cvc'],
  ['authentication_required', 'payment.decline.authentication_required'],
  ['lost_card', 'payment.decline.card_declined'],
  ['stolen_card', 'payment.decline.card_declined'],
  ['generic_decline', 'payment.decline.card_declined'],
  ['card_declined', 'payment.decline.card_declined'],
  ['do_not_honor', 'payment.decline.card_declined'],
]);

/** Human words for a decline, in the fan's language (`t`); else Stripe's own message. */
export function declineReason(
  failure: { code: string | null; declineCode: string | null; message: string | null },
  t: Translate,
): string {
  const key = DECLINE_REASONS.get(failure.declineCode ?? failure.code ?? '');
  if (key) return t(key);
  return failure.message ?? t('payment.decline.other');
}
