/**
 * Payments over knex: `transactions` rows, processed Stripe events, fans' Stripe state and
 * auto-recharge attempts (the PaymentStore port of src/core/payments), one concern per
 * module in `./payment/`. Reading a payment inside a transaction locks its row on Postgres
 * (SQLite has one writer anyway), so the events of one payment are applied one after the other.
 */
import type { Knex } from 'knex';
import { createOutboxStore } from './outbox-store.js';
import type { FanGroupPlacer } from './outbox/fan-groups.js';
import { createAutoRechargeSettings, createRechargeAttempts } from './payment/auto-recharge.js';
import { createFanStanding } from './payment/fan-standing.js';
import { createFanAccounts } from './payment/fans.js';
import { createProductLookup } from './payment/products.js';
import { createStripeEventLog } from './payment/stripe-events.js';
import { createStarsSubscriptions } from './payment/stars.js';
import { createPayments } from './payment/transactions.js';
import type { DbPaymentStore } from './payment/types.js';

export type { DbPaymentStore } from './payment/types.js';

/** Builds the payment store for `db`; `currency` is CURRENCY, the one spend and tiers count. */
export function createPaymentStore(
  db: Knex,
  options: { currency?: string; installId?: string; groups?: FanGroupPlacer } = {},
): DbPaymentStore {
  const outbox = createOutboxStore(db, options.groups);
  return {
    transaction: (fn) => db.transaction(fn),
    ...createStripeEventLog(db),
    ...createPayments(db),
    ...createFanAccounts(db),
    ...createFanStanding((options.currency ?? 'usd').toLowerCase()),
    ...createAutoRechargeSettings(db),
    ...createProductLookup(db),
    ...createRechargeAttempts(db, options.installId),
    ...createStarsSubscriptions(),

    async enqueue(jobs, tx) {
      if (jobs.length === 0) return;
      await outbox.enqueueIn(tx ?? db, jobs);
    },
  };
}
