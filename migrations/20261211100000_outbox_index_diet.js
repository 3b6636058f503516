// @ts-check
/**
 * Fewer outbox index writes per job (issue 17). Every insert and status change wrote the
 * table and up to 9 index B-trees; four of them were full indexes keyed on `status`, so the
 * history of sent jobs filled them and every claim and delivery moved an entry in each. What
 * reads the outbox by status reads live rows (pending or sending) only, so the indexes it
 * needs become partial ones over those rows:
 *
 * - `outbox_status_available_at_index` (status, available_at) → `outbox_pending_due_index`
 *   (available_at) WHERE pending: the next due job (`nextDueAt`).
 * - `outbox_claim_index` (status, priority DESC, id), `outbox_chat_id_index` (chat_id, id)
 *   → `outbox_live_chat_index` (chat_id, priority) WHERE pending or sending: a group's
 *   queued work above a priority (`hasQueuedAbove`), its queue (`fan-groups`), a migrated
 *   chat's jobs (`moveChat`), the jobs left sending (recovery), `/metrics`.
 * - `outbox_lane_status_index` (lane, status, id): `outbox_live_lane_index` (lane, id) WHERE
 *   pending or sending already serves every lane look-up; the claim-turn trigger's look-up
 *   names that index's condition so it is served by it too.
 * - `outbox_lane_album_key_index` (lane, album_key), written for every job → `outbox_pending_album_index`
 *   (lane, album_key) WHERE pending AND album_key IS NOT NULL: album items only.
 *
 * Kept: the primary key, `outbox_dedupe_key_unique`, the two partial claim indexes and
 * `outbox_live_lane_index`. EXPLAIN of every outbox query in docs/architecture.md ("Scale").
 */

const LIVE = `status IN ('pending', 'sending')`;

/** The claim-turn trigger's look-up of the lane's next pending job (see 20261208180000). */
const nextTurn = (/** @type {string} */ live) => `UPDATE outbox SET available_at = NEW.updated_at
  WHERE id = (SELECT MIN(o.id) FROM outbox AS o
              WHERE o.lane = NEW.lane${live} AND o.status = 'pending' AND o.id > NEW.id)
    AND available_at < NEW.updated_at`;

const WHEN = `OLD.status = 'pending' AND NEW.status = 'sending' AND NEW.chat_id < 0`;

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex @param {string} body */
async function replaceTrigger(knex, body) {
  if (isPostgres(knex)) {
    await knex.raw(`CREATE OR REPLACE FUNCTION outbox_claim_turn() RETURNS trigger
      LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
      BEGIN
        ${body};
        RETURN NULL;
      END $$`);
    return;
  }
  await knex.raw('DROP TRIGGER IF EXISTS outbox_claim_turn');
  await knex.raw(`CREATE TRIGGER outbox_claim_turn AFTER UPDATE OF status ON outbox
    FOR EACH ROW WHEN ${WHEN}
    BEGIN ${body}; END`);
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(
    `CREATE INDEX outbox_pending_due_index ON outbox (available_at) WHERE status = 'pending'`,
  );
  await knex.raw(`CREATE INDEX outbox_live_chat_index ON outbox (chat_id, priority) WHERE ${LIVE}`);
  await knex.raw(
    `CREATE INDEX outbox_pending_album_index ON outbox (lane, album_key)
     WHERE status = 'pending' AND album_key IS NOT NULL`,
  );
  await replaceTrigger(knex, nextTurn(` AND o.${LIVE}`));
  await knex.raw('DROP INDEX IF EXISTS outbox_status_available_at_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_claim_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_chat_id_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_lane_status_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_lane_album_key_index');
  await knex.raw('ANALYZE outbox');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('CREATE INDEX outbox_status_available_at_index ON outbox (status, available_at)');
  await knex.raw('CREATE INDEX outbox_claim_index ON outbox (status, priority DESC, id)');
  await knex.raw('CREATE INDEX outbox_chat_id_index ON outbox (chat_id, id)');
  await knex.raw('CREATE INDEX outbox_lane_status_index ON outbox (lane, status, id)');
  await knex.raw('CREATE INDEX outbox_lane_album_key_index ON outbox (lane, album_key)');
  await replaceTrigger(knex, nextTurn(''));
  await knex.raw('DROP INDEX IF EXISTS outbox_pending_album_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_live_chat_index');
  await knex.raw('DROP INDEX IF EXISTS outbox_pending_due_index');
  await knex.raw('ANALYZE outbox');
}
