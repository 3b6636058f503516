/** Rows of `transactions`, `auto_recharge_attempts`, `products` and a fan's payment columns. */
import type { LocalProduct, ProductType } from '../../../core/catalog.js';
import type { PaymentSource } from '../../../core/payments/events.js';
import type {
  PaymentFan,
  PaymentLookup,
  PaymentPatch,
  PaymentRecord,
  RechargeAttempt,
  RechargeStatus,
} from '../../../core/payments/ports.js';
import type { DisputeStatus, TransactionStatus } from '../../../core/payments/rules.js';
import { toBool, toInt, toRequiredDate } from '../rows.js';

export interface TransactionRow {
  id: number | string;
  user_id: number | string;
  product_id: number | string | null;
  source: string;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  amount_paid_usd_cents: number | string;
  amount_refunded_cents: number | string;
  currency: string;
  credits_granted: number | string;
  seconds_granted: number | string;
  status: string;
  dispute_id: string | null;
  dispute_status: string | null;
  failure_code: string | null;
  created_at: unknown;
}

export interface AttemptRow {
  id: number | string;
  user_id: number | string;
  product_id: number | string | null;
  idempotency_key: string;
  payment_intent_id: string | null;
  status: string;
  failure_code: string | null;
  created_at: unknown;
}

/** A nullable id column. */
function toOptionalInt(value: unknown): number | null {
  return value === null ? null : toInt(value);
}

export function toPayment(row: TransactionRow): PaymentRecord {
  return {
    id: toInt(row.id),
    fanId: toInt(row.user_id),
    productId: toOptionalInt(row.product_id),
    source: row.source as PaymentSource,
    checkoutSessionId: row.checkout_session_id,
    paymentIntentId: row.payment_intent_id,
    chargeId: row.charge_id,
    amountPaidCents: toInt(row.amount_paid_usd_cents),
    amountRefundedCents: toInt(row.amount_refunded_cents),
    currency: row.currency,
    creditsGranted: toInt(row.credits_granted),
    secondsGranted: toInt(row.seconds_granted),
    status: row.status as TransactionStatus,
    disputeId: row.dispute_id,
    disputeStatus: row.dispute_status as DisputeStatus | null,
    failureCode: row.failure_code,
    createdAt: toRequiredDate(row.created_at),
  };
}

export function toAttempt(row: AttemptRow): RechargeAttempt {
  return {
    id: toInt(row.id),
    fanId: toInt(row.user_id),
    productId: toOptionalInt(row.product_id),
    idempotencyKey: row.idempotency_key,
    paymentIntentId: row.payment_intent_id,
    status: row.status as RechargeStatus,
    failureCode: row.failure_code,
    createdAt: toRequiredDate(row.created_at),
  };
}

/** A `users` row as the payment side sees the fan. */
export function toFanAccount(row: Record<string, unknown>): PaymentFan {
  const pm = row.saved_payment_method_id as string | null;
  return {
    id: toInt(row.id),
    firstName: (row.first_name as string | null) ?? null,
    username: (row.username as string | null) ?? null,
    languageCode: (row.language_code as string | null) ?? null,
    stripeCustomerId: (row.stripe_customer_id as string | null) ?? null,
    savedCard: pm
      ? {
          paymentMethodId: pm,
          brand: (row.saved_card_brand as string | null) ?? null,
          last4: (row.saved_card_last4 as string | null) ?? null,
        }
      : null,
    autoRecharge: {
      enabled: toBool(row.auto_recharge_enabled),
      productId: toOptionalInt(row.auto_recharge_product_id),
      threshold: toOptionalInt(row.auto_recharge_threshold),
      consecutiveFailures: toInt(row.auto_recharge_consecutive_failures),
    },
    credits: toInt(row.message_credits),
    seconds: toInt(row.time_credits_seconds),
    debt: toInt(row.credit_debt),
    isFrozen: toBool(row.is_frozen),
    isBanned: toBool(row.is_banned),
    tier: row.tier as string,
    totalSpentCents: toInt(row.total_spent_cents),
  };
}

export function toProduct(row: Record<string, unknown>): LocalProduct {
  return {
    id: toInt(row.id),
    label: row.label as string,
    type: row.type as ProductType,
    amount: toInt(row.amount),
    priceCents: toInt(row.price_cents),
    currency: row.currency as string,
    stripeProductId: (row.stripe_product_id as string | null) ?? null,
    stripePriceId: (row.stripe_price_id as string | null) ?? null,
    active: toBool(row.active),
    sort: toInt(row.sort),
    stars: row.stars === null || row.stars === undefined ? null : toInt(row.stars),
    starsSubscription: toBool(row.stars_subscription ?? false),
  };
}

export const PATCH_COLUMNS: Record<keyof PaymentPatch, string> = {
  checkoutSessionId: 'checkout_session_id',
  paymentIntentId: 'payment_intent_id',
  chargeId: 'charge_id',
  amountPaidCents: 'amount_paid_usd_cents',
  amountRefundedCents: 'amount_refunded_cents',
  currency: 'currency',
  creditsGranted: 'credits_granted',
  secondsGranted: 'seconds_granted',
  status: 'status',
  disputeId: 'dispute_id',
  disputeStatus: 'dispute_status',
  failureCode: 'failure_code',
};

/** The WHERE clause that finds one payment. */
export function lookupWhere(lookup: PaymentLookup): Record<string, unknown> {
  if ('id' in lookup) return { id: lookup.id };
  if ('checkoutSessionId' in lookup) return { checkout_session_id: lookup.checkoutSessionId };
  if ('chargeId' in lookup) return { charge_id: lookup.chargeId };
  return { payment_intent_id: lookup.paymentIntentId };
}
