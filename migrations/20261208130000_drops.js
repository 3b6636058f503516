// @ts-check
/**
 * Drops (issue 18): a vault item's teaser sent to a segment of fans from the admin panel.
 *
 * `drops`: one row per drop — the item, the segment it was sent to (JSON), who started it,
 * its status (`running` → `done` | `cancelled`), the admin-group message that shows its
 * progress (`progress_message_id` once Telegram gave it one; `progress_edits` counts the
 * edits queued, raised with a conditional update so two instances edit once per count;
 * `progress_shown` the settled fans the last edit showed, so an unchanged figure is not edited).
 * `drop_recipients`: the audience, fixed when the drop starts, one row per fan — `pending`,
 * `queued` (its teaser is in the outbox, `outbox_job_id`), then `sent`, `blocked`, `failed`
 * or `cancelled`. The pair (drop, fan) is the primary key and the teaser's outbox dedupe key
 * is `drop:<drop>:<fan>`: a fan gets a drop's teaser at most once, across restarts.
 * Times are epoch milliseconds on both dialects.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('drops', (table) => {
    table.increments('id');
    table.integer('item_id').notNullable();
    table.text('segment').notNullable();
    table.string('status', 16).notNullable().defaultTo('running');
    table.bigInteger('created_by').notNullable();
    table.bigInteger('chat_id').notNullable();
    table.bigInteger('thread_id').nullable();
    table.bigInteger('progress_message_id').nullable();
    table.integer('progress_edits').notNullable().defaultTo(0);
    table.bigInteger('progress_edited_at_ms').notNullable().defaultTo(0);
    table.integer('progress_shown').notNullable().defaultTo(0);
    table.integer('total').notNullable();
    table.bigInteger('created_at_ms').notNullable();
    table.bigInteger('finished_at_ms').nullable();
    table.index(['status']);
  });
  await knex.schema.createTable('drop_recipients', (table) => {
    table.integer('drop_id').notNullable().references('id').inTable('drops').onDelete('CASCADE');
    table.bigInteger('fan_id').notNullable();
    table.string('status', 16).notNullable().defaultTo('pending');
    table.bigInteger('outbox_job_id').nullable();
    table.primary(['drop_id', 'fan_id']);
    table.index(['drop_id', 'status', 'fan_id']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('drop_recipients');
  await knex.schema.dropTable('drops');
}
