// @ts-check
/**
 * A vault item's teaser image (issue 18): a photo the team chose (`/teaser #ID` as a reply
 * to it), shown on the teaser instead of the item's own media.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('premium_content', (table) => {
    table.string('teaser_file_id', 255).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('premium_content', (table) => {
    table.dropColumn('teaser_file_id');
  });
}
