// @ts-check
/**
 * The fan's latest top-up kept on their row (issue 17), so nothing on the hot path scans the
 * ledger. Written by the ledger module in the transaction that moves the credits:
 *
 * - `last_top_up_credits`: the credits of the latest grant, gift or adjustment;
 * - `last_top_up_balance`: the balance right after it (after the debt settlement that came
 *   with a purchase): the balance bar's 100%. Null: never topped up;
 * - `last_top_up_at`: when it happened (a buy prompt after a top-up is due again).
 *
 * Backfilled from the ledger with the rules the reads used before (the balance after the
 * latest grant, gift, adjustment or debt settlement).
 */

const TOP_UPS = "('grant', 'gift', 'adjust', 'debt_settle')";
const GRANTS = "('grant', 'gift', 'adjust')";

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  const pg = knex.client.config.client === 'pg';
  await knex.raw('ALTER TABLE users ADD COLUMN last_top_up_credits integer NULL');
  await knex.raw('ALTER TABLE users ADD COLUMN last_top_up_balance integer NULL');
  await knex.raw(
    `ALTER TABLE users ADD COLUMN last_top_up_at ${pg ? 'timestamptz' : 'bigint'} NULL`,
  );
  await knex.raw(
    `UPDATE users SET
       last_top_up_balance = (
         SELECT COALESCE(SUM(l.credits_delta), 0) FROM credit_ledger l
         WHERE l.user_id = users.id AND l.id <= (
           SELECT MAX(t.id) FROM credit_ledger t WHERE t.user_id = users.id AND t.kind IN ${TOP_UPS})),
       last_top_up_credits = (
         SELECT g.credits_delta FROM credit_ledger g WHERE g.id = (
           SELECT MAX(t.id) FROM credit_ledger t WHERE t.user_id = users.id AND t.kind IN ${GRANTS})),
       last_top_up_at = (
         SELECT MAX(t.created_at) FROM credit_ledger t
         WHERE t.user_id = users.id AND t.kind IN ${GRANTS})
     WHERE EXISTS (
       SELECT 1 FROM credit_ledger t WHERE t.user_id = users.id AND t.kind IN ${TOP_UPS})`,
  );
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('ALTER TABLE users DROP COLUMN last_top_up_at');
  await knex.raw('ALTER TABLE users DROP COLUMN last_top_up_balance');
  await knex.raw('ALTER TABLE users DROP COLUMN last_top_up_credits');
}
