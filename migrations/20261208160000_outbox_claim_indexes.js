// @ts-check
/**
 * O(claimed) outbox claims (issue 17). A claim walks the pending jobs of one kind of chat
 * (groups, or private chats) in the order it takes them — priority, then age — and stops
 * once it has its lane heads; these partial indexes hold exactly those rows in that order,
 * so a backlog of sent history or of the other kind of chat is never read. The lane-head
 * check ("nothing older still pending or sending in this lane") probes the live rows of the
 * lane only. Statistics are gathered right away (`ANALYZE`), so the planner knows the table.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(
    `CREATE INDEX outbox_pending_group_claim_index ON outbox (priority DESC, id)
     WHERE status = 'pending' AND chat_id < 0`,
  );
  await knex.raw(
    `CREATE INDEX outbox_pending_private_claim_index ON outbox (priority DESC, id)
     WHERE status = 'pending' AND chat_id > 0`,
  );
  await knex.raw(
    `CREATE INDEX outbox_live_lane_index ON outbox (lane, id)
     WHERE status IN ('pending', 'sending')`,
  );
  await knex.raw('ANALYZE outbox');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS outbox_live_lane_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_pending_private_claim_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_pending_group_claim_index');
}
