// @ts-check
/**
 * `/products` (issue 14): the catalog managed from Telegram.
 *
 * `catalog_revision`: one row bumped in the same transaction as every write to `products`
 * (a panel create, archive, restore or reorder, and `products sync`). Every instance checks
 * it when the fans' shop reads the catalog and reloads its cached list when it moved, so a
 * change reaches every shop at once. (`products.sort`, the display order, exists since the
 * seed schema.)
 *
 * `transactions (product_id, status)`: the sales count of each product on `/products`.
 * Plain CREATE INDEX on both dialects (alterTable would rebuild the SQLite table).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('catalog_revision', (table) => {
    table.integer('id').primary();
    table.bigInteger('revision').notNullable().defaultTo(0);
  });
  await knex('catalog_revision').insert({ id: 1, revision: 0 });
  await knex.raw(
    'CREATE INDEX transactions_product_status_index ON transactions (product_id, status)',
  );
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS transactions_product_status_index');
  await knex.schema.dropTableIfExists('catalog_revision');
}
