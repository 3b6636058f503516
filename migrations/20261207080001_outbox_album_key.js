// @ts-check
/**
 * Albums leave as albums: an outbox job that copies one item of an album carries the album's
 * key (`<from chat id>:<media_group_id>`), so the worker sends the album's jobs in one
 * copyMessages call even when its items were queued by different instances, at different
 * times. Indexed with the lane, where the worker looks for an album's other items.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outbox', (table) => {
    table.string('album_key', 100).nullable();
    table.index(['lane', 'album_key'], 'outbox_lane_album_key_index');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('outbox', (table) => {
    table.dropIndex(['lane', 'album_key'], 'outbox_lane_album_key_index');
    table.dropColumn('album_key');
  });
}
