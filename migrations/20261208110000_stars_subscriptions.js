// @ts-check
/**
 * Telegram Stars subscriptions (issue 15): a time product may be sold as a Star subscription
 * (`products.stars_subscription`): the invoice link carries `subscription_period` (30 days)
 * and Telegram charges the fan again every period.
 *
 * `star_subscriptions` holds one row per subscription (a fan and the invoice payload its
 * payments carry — renewals repeat the first payload): the charge that paid it last, when
 * the paid period ends (`expires_at`, Telegram's `subscription_expiration_date`), and its
 * status — `active`, `lapsed` (no renewal came: cancelled, or not enough Stars; the fan and
 * the team were told once), `refunded` (its last payment was refunded).
 *
 * Plain statements for the products column on both dialects (SQLite drops it natively).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(
    'ALTER TABLE products ADD COLUMN stars_subscription boolean NOT NULL DEFAULT false',
  );
  await knex.schema.createTable('star_subscriptions', (table) => {
    table.increments('id').primary();
    table.bigInteger('user_id').notNullable();
    table.integer('product_id').nullable();
    table.string('invoice_payload', 128).notNullable();
    table.string('first_charge_id', 255).notNullable();
    table.string('last_charge_id', 255).notNullable();
    table.integer('stars').notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('status', 16).notNullable().defaultTo('active');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['user_id', 'invoice_payload']);
    table.index(['status', 'expires_at']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('star_subscriptions');
  await knex.raw('ALTER TABLE products DROP COLUMN stars_subscription');
}
