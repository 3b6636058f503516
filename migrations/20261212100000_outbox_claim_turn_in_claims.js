// @ts-check
/**
 * Hot path (issue 17): on Postgres the claim-turn bump (issue 20: a claimed group job's lane
 * queues its next pending job behind the heads already waiting) moves from the row trigger
 * `outbox_claim_turn` into the claim statements themselves (`nextTurnsSql` in
 * src/adapters/db/outbox/claims.ts). The trigger ran once per claimed row and, to keep a
 * good plan as the outbox grew, was planned on every call: 1.2 s of execution and 1.9 s of
 * planning per 3,000 relays in the 100-fan bench, the largest cost in Postgres. SQLite keeps
 * its trigger: it is compiled into the statement that fires it and plans nothing per row.
 */

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  if (!isPostgres(knex)) return;
  await knex.raw('DROP TRIGGER IF EXISTS outbox_claim_turn ON outbox');
  await knex.raw('DROP FUNCTION IF EXISTS outbox_claim_turn()');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  if (!isPostgres(knex)) return;
  // As migrations 20261208180000, 20261210180000 and 20261211100000 left it.
  await knex.raw(`CREATE OR REPLACE FUNCTION outbox_claim_turn() RETURNS trigger
    LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
    BEGIN
      UPDATE outbox SET available_at = NEW.updated_at
      WHERE id = (SELECT MIN(o.id) FROM outbox AS o
                  WHERE o.lane = NEW.lane AND o.status IN ('pending', 'sending')
                    AND o.status = 'pending' AND o.id > NEW.id)
        AND available_at < NEW.updated_at;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER outbox_claim_turn AFTER UPDATE OF status ON outbox
    FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status = 'sending' AND NEW.chat_id < 0)
    EXECUTE FUNCTION outbox_claim_turn()`);
}
