// @ts-check
/**
 * One "not enough credits" prompt per burst, and albums charged as one unit.
 *
 * `users.credits_prompted_at`: when the fan last got the buy prompt; the fan message use case
 * reads and sets it under the fan's row lock, so concurrent updates and several instances
 * send one prompt per quiet window (core/relay/policy.ts, `promptDue`).
 *
 * `fan_album_items`: the items of a fan's album as they arrive (one update each), with what
 * each paid, so an album is paid in full or not at all: when an item cannot be paid, the
 * earlier items' copies (still held back) are cancelled and their credits given back, and
 * the items after it are refused. Rows older than a day are pruned as new ones come.
 *
 * `users` gets a plain ADD/DROP COLUMN on both dialects (knex would rebuild the SQLite table).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  await knex.raw(
    `ALTER TABLE users ADD COLUMN credits_prompted_at ${pg ? 'timestamptz' : 'bigint'} NULL`,
  );
  await knex.schema.createTable('fan_album_items', (table) => {
    table.bigInteger('fan_id').notNullable();
    table.string('media_group_id', 64).notNullable();
    table.bigInteger('message_id').notNullable();
    table.integer('credits').notNullable().defaultTo(0);
    table.boolean('refused').notNullable().defaultTo(false);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['fan_id', 'message_id']);
    table.index(['fan_id', 'media_group_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('fan_album_items');
  await knex.raw('ALTER TABLE users DROP COLUMN credits_prompted_at');
}
