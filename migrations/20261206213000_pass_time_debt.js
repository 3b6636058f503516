// @ts-check
/**
 * Time debt: pass time a fan had already used when its purchase was refunded or its dispute
 * lost is owed, like credits. `users.time_debt_seconds` caches it and every ledger row gets a
 * `time_debt_delta`, so time_debt_seconds == sum(time_debt_delta) per user; the next pass
 * bought pays it off first (a `settle:<grant key>` entry).
 *
 * Plain statements on both dialects: SQLite adds a CHECK only inside ADD COLUMN, and drops a
 * column natively (knex would rebuild the table, losing the ledger's append-only triggers).
 * Adding or dropping a column is no UPDATE or DELETE, so those triggers do not object; the
 * `user_dashboard` view names its columns and does not read the new one.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`
    ALTER TABLE users ADD COLUMN time_debt_seconds integer NOT NULL DEFAULT 0
    CONSTRAINT users_time_debt_seconds_check CHECK (time_debt_seconds >= 0)`);
  await knex.raw('ALTER TABLE credit_ledger ADD COLUMN time_debt_delta integer NOT NULL DEFAULT 0');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('ALTER TABLE credit_ledger DROP COLUMN time_debt_delta');
  await knex.raw('ALTER TABLE users DROP COLUMN time_debt_seconds');
}
