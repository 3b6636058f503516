/** Payments: one `transactions` row per Checkout session or payment intent. */
import type { Knex } from 'knex';
import type {
  NewPayment,
  PaymentLookup,
  PaymentPatch,
  PaymentRecord,
} from '../../../core/payments/ports.js';
import { PATCH_COLUMNS, lookupWhere, toPayment, type TransactionRow } from './mapping.js';
import { rowLockOf } from './row-lock.js';
import type { DbPaymentStore, Q, Tx } from './types.js';

type Payments = Pick<
  DbPaymentStore,
  | 'findPayment'
  | 'lockExisting'
  | 'lockPayment'
  | 'createPayment'
  | 'updatePayment'
  | 'claimCharge'
  | 'openCheckouts'
>;

/** Builds the payment rows' side of the store over `db`. */
export function createPayments(db: Knex): Payments {
  const locked = rowLockOf(db);

  async function lockExisting(tx: Tx, lookup: PaymentLookup): Promise<PaymentRecord | null> {
    const row = (await locked(tx('transactions').where(lookupWhere(lookup))).first()) as
      TransactionRow | undefined;
    return row ? toPayment(row) : null;
  }

  return {
    async findPayment(lookup, tx) {
      const row = (await (tx ?? db)('transactions').where(lookupWhere(lookup)).first()) as
        TransactionRow | undefined;
      return row ? toPayment(row) : null;
    },

    lockExisting,

    async lockPayment(tx, lookup, init) {
      const column = 'checkoutSessionId' in lookup ? 'checkout_session_id' : 'payment_intent_id';
      const value =
        'checkoutSessionId' in lookup ? lookup.checkoutSessionId : lookup.paymentIntentId;
      await tx('transactions')
        .insert(pendingRow(init, { [column]: value }))
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

    async claimCharge(id) {
      // The claim outlives Stripe's 24-hour idempotency window: a row is charged at most once.
      const pending = (await db('transactions').where({ id, status: 'pending' }).first('id')) as
        { id: number } | undefined;
      if (!pending) return false;
      const inserted = (await db('quick_buy_charges')
        .insert({ transaction_id: id, started_at: new Date() })
        .onConflict('transaction_id')
        .ignore()
        .returning('transaction_id')) as unknown[];
      return inserted.length > 0;
    },

    async openCheckouts(fanId, productId) {
      const rows = (await db('transactions')
        .where({ user_id: fanId, product_id: productId, source: 'checkout', status: 'pending' })
        .whereNotNull('checkout_session_id')
        .orderBy('id')) as TransactionRow[];
      return rows.map(toPayment);
    },
  };
}

/** A new `pending` row for `init`, identified by `ids` (session and/or intent). */
function pendingRow(init: NewPayment, ids: Record<string, unknown>): Record<string, unknown> {
  const now = new Date();
  return {
    user_id: init.fanId,
    product_id: init.productId,
    source: init.source,
    currency: init.currency,
    ...ids,
    status: 'pending',
    created_at: now,
    updated_at: now,
  };
}

async function insertPayment(q: Q, init: NewPayment): Promise<PaymentRecord> {
  const ids = {
    checkout_session_id: init.checkoutSessionId ?? null,
    payment_intent_id: init.paymentIntentId ?? null,
  };
  const rows = (await q('transactions')
    .insert(pendingRow(init, ids))
    .returning('*')) as TransactionRow[];
  return toPayment(rows[0]!);
}
