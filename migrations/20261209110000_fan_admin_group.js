// @ts-check
/**
 * Overflow admin groups (issue 20, ADMIN_CHAT_IDS): the admin group a fan was assigned to
 * before their topic exists, so every job queued for their topic goes to one group and
 * spends that group's budget. Once the topic is created, `conversations.chat_id` holds the
 * same group (and wins). Null: not assigned yet (one group configured, or no topic work yet).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw('ALTER TABLE users ADD COLUMN admin_chat_id bigint NULL');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('ALTER TABLE users DROP COLUMN admin_chat_id');
}
