// @ts-check
/**
 * Round-robin within a priority (issue 20). A claim takes lane heads by priority, then by
 * `available_at` (when the head became due), then id. When a group job is claimed (pending →
 * sending), the trigger `outbox_claim_turn` makes the next pending job of its lane due "now"
 * (the claim's `updated_at`), so that lane's next head queues behind the heads of its priority
 * that were already waiting: one fan flooding the admin group cannot starve the others. One
 * row per job claimed; the claim stays one statement. The partial claim indexes follow the
 * new order, so a claim still reads about what it takes.
 */

const INDEXES = [
  ['outbox_pending_group_claim_index', 'chat_id < 0'],
  ['outbox_pending_private_claim_index', 'chat_id > 0'],
];

/** The next pending job of the claimed job's lane, due no earlier than the claim. */
const NEXT_TURN = `UPDATE outbox SET available_at = NEW.updated_at
  WHERE id = (SELECT MIN(o.id) FROM outbox AS o
              WHERE o.lane = NEW.lane AND o.status = 'pending' AND o.id > NEW.id)
    AND available_at < NEW.updated_at`;

const WHEN = `OLD.status = 'pending' AND NEW.status = 'sending' AND NEW.chat_id < 0`;

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  for (const [name, where] of INDEXES) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
    await knex.raw(
      `CREATE INDEX ${name} ON outbox (priority DESC, available_at, id)
       WHERE status = 'pending' AND ${where}`,
    );
  }
  if (isPostgres(knex)) {
    await knex.raw(`CREATE FUNCTION outbox_claim_turn() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${NEXT_TURN};
        RETURN NULL;
      END $$`);
    await knex.raw(`CREATE TRIGGER outbox_claim_turn AFTER UPDATE OF status ON outbox
      FOR EACH ROW WHEN (${WHEN}) EXECUTE FUNCTION outbox_claim_turn()`);
  } else {
    await knex.raw(`CREATE TRIGGER outbox_claim_turn AFTER UPDATE OF status ON outbox
      FOR EACH ROW WHEN ${WHEN}
      BEGIN ${NEXT_TURN}; END`);
  }
  await knex.raw('ANALYZE outbox');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(
    isPostgres(knex)
      ? 'DROP TRIGGER IF EXISTS outbox_claim_turn ON outbox'
      : 'DROP TRIGGER IF EXISTS outbox_claim_turn',
  );
  if (isPostgres(knex)) await knex.raw('DROP FUNCTION IF EXISTS outbox_claim_turn()');
  for (const [name, where] of INDEXES) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
    await knex.raw(
      `CREATE INDEX ${name} ON outbox (priority DESC, id) WHERE status = 'pending' AND ${where}`,
    );
  }
}
