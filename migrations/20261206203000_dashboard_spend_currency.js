// @ts-check
/**
 * Total spent never adds different currencies: only payments in the install's CURRENCY count
 * toward `users.total_spent_cents` and the tier (the payment store computes it; the view
 * cannot know CURRENCY), so `user_dashboard.total_spent` now reads that column instead of
 * summing every payment whatever its currency.
 */

/** The view's head: the same columns before and after, only total_spent changes. */
const VIEW_HEAD = `
CREATE VIEW user_dashboard AS
SELECT
  u.id,
  u.username,
  u.tier,
  u.message_credits,
  u.time_credits_seconds,`;

/** The previous view (20261127000000_payments), restored on rollback. */
const SUMMED_USER_DASHBOARD = `${VIEW_HEAD}
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

/** total_spent is the fan's spend in the install's currency, as the payment store keeps it. */
const USER_DASHBOARD = `${VIEW_HEAD}
  u.total_spent_cents AS total_spent,
  u.message_count,
  u.last_activity_at AS last_activity
FROM users u`;

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw('DROP VIEW IF EXISTS user_dashboard');
  await knex.raw(USER_DASHBOARD);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP VIEW IF EXISTS user_dashboard');
  await knex.raw(SUMMED_USER_DASHBOARD);
}
