// @ts-check
/**
 * Quick-buy charges once, ever: a quick-buy row is claimed here before its PaymentIntent is
 * created, so a second Confirm (even after Stripe's 24-hour idempotency window, while the
 * row is still pending during a webhook outage) is refused instead of charging again.
 * The install id (one Stripe namespace per install) lives in `bot_state` under `install_id`
 * and is written by setup, migrate or serve, not by this migration.
 */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('quick_buy_charges', (table) => {
    // One row per quick-buy `transactions` row whose charge was started.
    table
      .integer('transaction_id')
      .primary()
      .references('id')
      .inTable('transactions')
      .onDelete('CASCADE');
    table.timestamp('started_at', { useTz: true }).notNullable().defaultTo(now(knex));
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('quick_buy_charges');
}
