// @ts-check
/**
 * Telegram Stars (issue 15): a product may carry a price in Stars (`XTR`, whole Stars,
 * 1–10,000 per invoice), from the catalog file's `stars:` or the Stripe product's
 * `premiumbot_stars` metadata. Null: not sold for Stars.
 *
 * A Stars payment is a `transactions` row with `source = 'stars'`, `currency = 'xtr'` and the
 * amount in Stars; `charge_id` (indexed since the payments migration) holds Telegram's
 * `telegram_payment_charge_id`, so no new transactions column is needed.
 *
 * Plain statements on both dialects: SQLite drops a column natively (knex would rebuild the
 * table).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`
    ALTER TABLE products ADD COLUMN stars integer NULL
    CONSTRAINT products_stars_check CHECK (stars IS NULL OR (stars >= 1 AND stars <= 10000))`);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('ALTER TABLE products DROP COLUMN stars');
}
