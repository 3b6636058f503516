// @ts-check
/**
 * Payments: where each payment came from and its dispute, the fan's saved card (for
 * one-tap quick-buy), failed-handler bookkeeping for Stripe events, and `user_dashboard`
 * counting spend net of refunds and lost disputes.
 */

/** The seed view, restored on rollback. */
const OLD_USER_DASHBOARD = `
CREATE VIEW user_dashboard AS
SELECT
  u.id,
  u.username,
  u.tier,
  u.message_credits,
  u.time_credits_seconds,
  COALESCE(paid.total_spent, 0) AS total_spent,
  u.message_count,
  u.last_activity_at AS last_activity
FROM users u
LEFT JOIN (
  SELECT user_id, SUM(amount_paid_usd_cents) AS total_spent
  FROM transactions
  WHERE status = 'paid'
  GROUP BY user_id
) paid ON paid.user_id = u.id`;

/**
 * total_spent is what the fan paid and kept paying: paid (or partly refunded) payments net
 * of refunds, leaving out disputes the fan's bank won. Same expression as the payment store's
 * `total_spent_cents`, so the two always agree.
 */
const USER_DASHBOARD = `
CREATE VIEW user_dashboard AS
SELECT
  u.id,
  u.username,
  u.tier,
  u.message_credits,
  u.time_credits_seconds,
  COALESCE(paid.total_spent, 0) AS total_spent,
  u.message_count,
  u.last_activity_at AS last_activity
FROM users u
LEFT JOIN (
  SELECT user_id, SUM(amount_paid_usd_cents - amount_refunded_cents) AS total_spent
  FROM transactions
  WHERE status IN ('paid', 'partially_refunded')
    AND (dispute_status IS NULL OR dispute_status <> 'lost')
  GROUP BY user_id
) paid ON paid.user_id = u.id`;

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw('DROP VIEW IF EXISTS user_dashboard');
  await knex.schema.alterTable('transactions', (table) => {
    // checkout | quick_buy | auto_recharge
    table.string('source', 16).notNullable().defaultTo('checkout');
    table.string('charge_id', 255).nullable().index('transactions_charge_id_index');
    table.string('dispute_id', 255).nullable().unique('transactions_dispute_id_unique');
    // open | won | lost
    table.string('dispute_status', 16).nullable();
    table.string('failure_code', 128).nullable();
    table.index(['user_id', 'product_id', 'status'], 'transactions_user_product_status_index');
  });
  await knex.schema.alterTable('users', (table) => {
    // The card the fan saved with Stripe, shown in the one-tap quick-buy confirmation.
    table.string('saved_payment_method_id', 255).nullable();
    table.string('saved_card_brand', 32).nullable();
    table.string('saved_card_last4', 4).nullable();
  });
  await knex.schema.alterTable('stripe_events', (table) => {
    // Failed handler runs (the row stays unprocessed so Stripe's retry applies it).
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
  });
  await knex.raw(USER_DASHBOARD);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP VIEW IF EXISTS user_dashboard');
  await knex.schema.alterTable('stripe_events', (table) => {
    table.dropColumn('last_error');
    table.dropColumn('attempts');
  });
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('saved_card_last4');
    table.dropColumn('saved_card_brand');
    table.dropColumn('saved_payment_method_id');
  });
  await knex.schema.alterTable('transactions', (table) => {
    table.dropIndex(['user_id', 'product_id', 'status'], 'transactions_user_product_status_index');
    table.dropUnique(['dispute_id'], 'transactions_dispute_id_unique');
    table.dropIndex(['charge_id'], 'transactions_charge_id_index');
  });
  await knex.schema.alterTable('transactions', (table) => {
    table.dropColumn('failure_code');
    table.dropColumn('dispute_status');
    table.dropColumn('dispute_id');
    table.dropColumn('charge_id');
    table.dropColumn('source');
  });
  await knex.raw(OLD_USER_DASHBOARD);
}
