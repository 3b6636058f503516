/**
 * Payments over knex: `transactions` rows, processed Stripe events, fans' Stripe state and
 * auto-recharge attempts (the PaymentStore port of src/core/payments). Reading a payment
 * inside a transaction locks its row on Postgres (SQLite has one writer anyway), so the
 * events of one payment are applied one after the other.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { LocalProduct, ProductType } from '../../core/catalog.js';
import type { PaymentSource } from '../../core/payments/events.js';
import type {
  AutoRechargeSettings,
  EventEnvelope,
  FanAccount,
  NewPayment,
  PaymentLookup,
  PaymentPatch,
  PaymentRecord,
  PaymentStore,
  RechargeAttempt,
  RechargeStatus,
  SavedCard,
} from '../../core/payments/ports.js';
import type { DisputeStatus, TransactionStatus } from '../../core/payments/rules.js';
import { tierFor } from '../../core/tiers.js';
import { dialectOf } from './knex.js';
import { createOutboxStore } from './outbox-store.js';
import { toBool, toInt, toRequiredDate } from './rows.js';

type Tx = Knex.Transaction;
type Q = Knex | Tx;

interface TransactionRow {
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

interface AttemptRow {
  id: number | string;
  user_id: number | string;
  product_id: number | string | null;
  idempotency_key: string;
  payment_intent_id: string | null;
  status: string;
  failure_code: string | null;
  created_at: unknown;
}

function toPayment(row: TransactionRow): PaymentRecord {
  return {
    id: toInt(row.id),
    userId: toInt(row.user_id),
    productId: row.product_id === null ? null : toInt(row.product_id),
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

function toAttempt(row: AttemptRow): RechargeAttempt {
  return {
    id: toInt(row.id),
    userId: toInt(row.user_id),
    productId: row.product_id === null ? null : toInt(row.product_id),
    idempotencyKey: row.idempotency_key,
    paymentIntentId: row.payment_intent_id,
    status: row.status as RechargeStatus,
    failureCode: row.failure_code,
    createdAt: toRequiredDate(row.created_at),
  };
}

const PATCH_COLUMNS: Record<keyof PaymentPatch, string> = {
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

function lookupWhere(lookup: PaymentLookup): Record<string, unknown> {
  if ('id' in lookup) return { id: lookup.id };
  if ('checkoutSessionId' in lookup) return { checkout_session_id: lookup.checkoutSessionId };
  return { payment_intent_id: lookup.paymentIntentId };
}

/** Spend that counts for tiers and the dashboard (same expression as `user_dashboard`). */
const NET_SPEND_SQL = `COALESCE(SUM(amount_paid_usd_cents - amount_refunded_cents), 0)`;

export type DbPaymentStore = PaymentStore<Tx>;

/** Builds the payment store for `db`. */
export function createPaymentStore(db: Knex): DbPaymentStore {
  const postgres = dialectOf(db) === 'postgres';
  const outbox = createOutboxStore(db);

  function locked<T extends Knex.QueryBuilder>(query: T): T {
    return postgres ? (query.forUpdate() as T) : query;
  }

  async function findPayment(lookup: PaymentLookup, q: Q = db): Promise<PaymentRecord | null> {
    const row = (await q('transactions').where(lookupWhere(lookup)).first()) as
      TransactionRow | undefined;
    return row ? toPayment(row) : null;
  }

  async function lockExisting(tx: Tx, lookup: PaymentLookup): Promise<PaymentRecord | null> {
    const row = (await locked(tx('transactions').where(lookupWhere(lookup))).first()) as
      TransactionRow | undefined;
    return row ? toPayment(row) : null;
  }

  async function insertPayment(q: Q, init: NewPayment): Promise<PaymentRecord> {
    const now = new Date();
    const rows = (await q('transactions')
      .insert({
        user_id: init.userId,
        product_id: init.productId,
        source: init.source,
        currency: init.currency,
        checkout_session_id: init.checkoutSessionId ?? null,
        payment_intent_id: init.paymentIntentId ?? null,
        status: 'pending',
        created_at: now,
        updated_at: now,
      })
      .returning('*')) as TransactionRow[];
    return toPayment(rows[0]!);
  }

  async function fan(fanId: number, q: Q = db): Promise<FanAccount | null> {
    const row = (await q('users').where('id', fanId).first()) as
      Record<string, unknown> | undefined;
    if (!row) return null;
    const pm = row.saved_payment_method_id as string | null;
    return {
      id: toInt(row.id),
      firstName: (row.first_name as string | null) ?? null,
      username: (row.username as string | null) ?? null,
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
        productId:
          row.auto_recharge_product_id === null ? null : toInt(row.auto_recharge_product_id),
        threshold: row.auto_recharge_threshold === null ? null : toInt(row.auto_recharge_threshold),
        consecutiveFailures: toInt(row.auto_recharge_consecutive_failures),
      },
      credits: toInt(row.message_credits),
      seconds: toInt(row.time_credits_seconds),
      debt: toInt(row.credit_debt),
      isFrozen: toBool(row.is_frozen),
      tier: row.tier as string,
      totalSpentCents: toInt(row.total_spent_cents),
    };
  }

  async function findAttempt(
    lookup: { id: number } | { paymentIntentId: string },
    q: Q = db,
  ): Promise<RechargeAttempt | null> {
    const where =
      'id' in lookup ? { id: lookup.id } : { payment_intent_id: lookup.paymentIntentId };
    const row = (await q('auto_recharge_attempts').where(where).first()) as AttemptRow | undefined;
    return row ? toAttempt(row) : null;
  }

  return {
    transaction: (fn) => db.transaction(fn),

    async claimEvent(tx, event) {
      const now = new Date();
      await tx('stripe_events')
        .insert({ id: event.id, type: event.type, object_id: event.objectId, received_at: now })
        .onConflict('id')
        .ignore();
      // The row lock taken here makes a concurrent delivery of the same event wait, then see it processed.
      const claimed = await tx('stripe_events')
        .where('id', event.id)
        .whereNull('processed_at')
        .update({ processed_at: now, last_error: null });
      return claimed > 0;
    },

    async recordEventFailure(event: EventEnvelope, error: string) {
      await db('stripe_events')
        .insert({
          id: event.id,
          type: event.type,
          object_id: event.objectId,
          received_at: new Date(),
          attempts: 1,
          last_error: error,
        })
        .onConflict('id')
        .merge({ attempts: db.raw('stripe_events.attempts + 1'), last_error: error });
    },

    async isEventProcessed(id) {
      const row = (await db('stripe_events').where('id', id).first('processed_at')) as
        { processed_at: unknown } | undefined;
      return row !== undefined && row.processed_at !== null;
    },

    findPayment: (lookup, tx) => findPayment(lookup, tx),
    lockExisting,

    async lockPayment(tx, lookup, init) {
      const column = 'checkoutSessionId' in lookup ? 'checkout_session_id' : 'payment_intent_id';
      const value =
        'checkoutSessionId' in lookup ? lookup.checkoutSessionId : lookup.paymentIntentId;
      const now = new Date();
      await tx('transactions')
        .insert({
          user_id: init.userId,
          product_id: init.productId,
          source: init.source,
          currency: init.currency,
          [column]: value,
          status: 'pending',
          created_at: now,
          updated_at: now,
        })
        .onConflict(column)
        .ignore();
      const row = await lockExisting(tx, lookup);
      if (!row) throw new Error(`payment row for ${value} vanished`);
      return row;
    },

    createPayment: (init, tx) => insertPayment(tx ?? db, init),

    async updatePayment(id, patch, options = {}, tx) {
      const values: Record<string, unknown> = { updated_at: new Date() };
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) values[PATCH_COLUMNS[key as keyof PaymentPatch]] = value;
      }
      const query = (tx ?? db)('transactions').where('id', id);
      if (options.onlyIfStatus) query.where('status', options.onlyIfStatus);
      if (options.onlyIfNoIntent) query.whereNull('payment_intent_id');
      return (await query.update(values)) > 0;
    },

    async openCheckouts(fanId, productId) {
      const rows = (await db('transactions')
        .where({ user_id: fanId, product_id: productId, source: 'checkout', status: 'pending' })
        .whereNotNull('checkout_session_id')
        .orderBy('id')) as TransactionRow[];
      return rows.map(toPayment);
    },

    fan: (fanId, tx) => fan(fanId, tx),

    async ensureFan(fanId, tx, profile) {
      await tx('users')
        .insert({
          id: fanId,
          first_name: profile?.firstName ?? null,
          last_name: profile?.lastName ?? null,
          username: profile?.username ?? null,
        })
        .onConflict('id')
        .ignore();
    },

    async fanByCustomer(customerId, tx) {
      const row = (await (tx ?? db)('users')
        .where('stripe_customer_id', customerId)
        .first('id')) as { id: number } | undefined;
      return row ? toInt(row.id) : null;
    },

    async setCustomer(fanId, customerId) {
      await db('users')
        .where('id', fanId)
        .whereNull('stripe_customer_id')
        .update({ stripe_customer_id: customerId, updated_at: new Date() });
      const row = (await db('users').where('id', fanId).first('stripe_customer_id')) as
        { stripe_customer_id: string | null } | undefined;
      return row?.stripe_customer_id ?? customerId;
    },

    async setSavedCard(fanId, card: SavedCard, tx) {
      await (tx ?? db)('users')
        .where('id', fanId)
        .update({
          saved_payment_method_id: card.paymentMethodId,
          saved_card_brand: card.brand?.slice(0, 32) ?? null,
          saved_card_last4: card.last4?.slice(0, 4) ?? null,
          auto_recharge_payment_method_id: card.paymentMethodId,
          updated_at: new Date(),
        });
    },

    async setFrozen(fanId, frozen, tx) {
      await tx('users').where('id', fanId).update({ is_frozen: frozen, updated_at: new Date() });
    },

    async hasOtherOpenDispute(fanId, exceptPaymentId, tx) {
      const row = (await tx('transactions')
        .where({ user_id: fanId, dispute_status: 'open' })
        .whereNot('id', exceptPaymentId)
        .first('id')) as { id: number } | undefined;
      return row !== undefined;
    },

    async refreshSpend(fanId, thresholds, tx) {
      const row = (await tx('transactions')
        .where('user_id', fanId)
        .whereIn('status', ['paid', 'partially_refunded'])
        .where((q) => q.whereNull('dispute_status').orWhereNot('dispute_status', 'lost'))
        .first(tx.raw(`${NET_SPEND_SQL} AS total`))) as { total: unknown } | undefined;
      const totalSpentCents = toInt(row?.total);
      const tier = tierFor(totalSpentCents, thresholds);
      await tx('users')
        .where('id', fanId)
        .update({ total_spent_cents: totalSpentCents, tier, updated_at: new Date() });
      return { totalSpentCents, tier };
    },

    async setAutoRecharge(fanId, patch: Partial<AutoRechargeSettings>, tx) {
      const values: Record<string, unknown> = { updated_at: new Date() };
      if (patch.enabled !== undefined) values.auto_recharge_enabled = patch.enabled;
      if (patch.productId !== undefined) values.auto_recharge_product_id = patch.productId;
      if (patch.threshold !== undefined) values.auto_recharge_threshold = patch.threshold;
      if (patch.consecutiveFailures !== undefined)
        values.auto_recharge_consecutive_failures = patch.consecutiveFailures;
      await (tx ?? db)('users').where('id', fanId).update(values);
    },

    async product(id, tx) {
      const row = (await (tx ?? db)('products').where('id', id).first()) as
        Record<string, unknown> | undefined;
      return row ? toProduct(row) : null;
    },

    async activeProducts() {
      const rows = (await db('products')
        .where('active', true)
        .orderBy([
          { column: 'sort', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])) as Record<string, unknown>[];
      return rows.map(toProduct);
    },

    async startRechargeAttempt(fanId, productId, staleBefore) {
      return db.transaction(async (tx) => {
        await locked(tx('users').where('id', fanId).select('id')).first();
        const open = (await tx('auto_recharge_attempts')
          .where('user_id', fanId)
          .whereIn('status', ['pending', 'processing'])
          .where('created_at', '>', staleBefore)
          .first('id')) as { id: number } | undefined;
        if (open) return null;
        const now = new Date();
        const rows = (await tx('auto_recharge_attempts')
          .insert({
            user_id: fanId,
            product_id: productId,
            idempotency_key: `premiumbot-recharge-${fanId}-${randomUUID()}`,
            status: 'pending',
            created_at: now,
            updated_at: now,
          })
          .returning('*')) as AttemptRow[];
        return toAttempt(rows[0]!);
      });
    },

    findAttempt: (lookup, tx) => findAttempt(lookup, tx),

    async updateAttempt(id, patch, tx) {
      const values: Record<string, unknown> = { updated_at: new Date() };
      if (patch.paymentIntentId !== undefined) values.payment_intent_id = patch.paymentIntentId;
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.failureCode !== undefined) values.failure_code = patch.failureCode;
      await (tx ?? db)('auto_recharge_attempts').where('id', id).update(values);
    },

    async enqueue(jobs, tx) {
      if (jobs.length === 0) return;
      await outbox.enqueueIn(tx ?? db, jobs);
    },
  };
}

function toProduct(row: Record<string, unknown>): LocalProduct {
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
  };
}
