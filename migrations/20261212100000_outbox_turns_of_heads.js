// @ts-check
/**
 * The claim-turn trigger (`outbox_claim_turn`, issue 20) pushes a lane's next job behind the
 * waiting heads when a HEAD is claimed, not for every job claimed (issue 17). The followers
 * that ride along with a head (`claimFollowers`) and an album's items (`claimAlbum`) are
 * claimed in one statement each; the trigger fired for every one of them, each time pushing
 * the next job — usually the next follower of the same statement — and moving its entries in
 * the claim and due indexes, only for the last push to matter. A head is the job with no
 * earlier live job in its lane; a follower always has one (its head, sending). The store now
 * pushes the job after the last follower or album item itself, once per statement
 * (outbox/claims.ts `pushNextTurn`).
 */

const LIVE = `status IN ('pending', 'sending')`;

/** The claim-turn trigger's look-up of the lane's next pending job (as in 20261211100000). */
const NEXT_TURN = `UPDATE outbox SET available_at = NEW.updated_at
  WHERE id = (SELECT MIN(o.id) FROM outbox AS o
              WHERE o.lane = NEW.lane AND o.${LIVE} AND o.status = 'pending' AND o.id > NEW.id)
    AND available_at < NEW.updated_at`;

/** The claimed job was its lane's head: no earlier live job (`outbox_live_lane_index`). */
const WAS_HEAD = `NOT EXISTS (SELECT 1 FROM outbox AS p
  WHERE p.lane = NEW.lane AND p.id < NEW.id AND p.${LIVE})`;

const WHEN = `OLD.status = 'pending' AND NEW.status = 'sending' AND NEW.chat_id < 0`;

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex @param {boolean} headsOnly */
async function replaceTrigger(knex, headsOnly) {
  if (isPostgres(knex)) {
    // A trigger's WHEN cannot hold a sub-query on Postgres: the function checks.
    const body = headsOnly ? `IF ${WAS_HEAD} THEN ${NEXT_TURN}; END IF` : NEXT_TURN;
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
    FOR EACH ROW WHEN ${WHEN}${headsOnly ? ` AND ${WAS_HEAD}` : ''}
    BEGIN ${NEXT_TURN}; END`);
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await replaceTrigger(knex, true);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await replaceTrigger(knex, false);
}
