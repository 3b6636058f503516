// @ts-check
/**
 * Lost sales: a fan who writes without enough credits is shown to the team as one line per
 * fan per window (`lost_sales.window_minutes`), edited in place with the new count.
 *
 * `lost_sale_attempts`: one row per refused message (keyed by the fan's message, so a
 * redelivered update counts once), pruned as the fan's new attempts come.
 * `lost_sale_lines`: the line of a fan's window — the outbox job that posts it and the
 * count it shows, raised with a conditional update so two instances edit it once per count.
 * Times are epoch milliseconds on both dialects.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('lost_sale_attempts', (table) => {
    table.bigInteger('fan_id').notNullable();
    table.bigInteger('message_id').notNullable();
    table.bigInteger('attempted_at_ms').notNullable();
    table.primary(['fan_id', 'message_id']);
    table.index(['fan_id', 'attempted_at_ms']);
  });
  await knex.schema.createTable('lost_sale_lines', (table) => {
    table.bigInteger('fan_id').notNullable();
    table.bigInteger('window_start_ms').notNullable();
    table.bigInteger('job_id').notNullable();
    table.integer('shown').notNullable();
    table.primary(['fan_id', 'window_start_ms']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('lost_sale_lines');
  await knex.schema.dropTable('lost_sale_attempts');
}
