// @ts-check
/**
 * Hot path (issue 17): every fan message inserts a `telegram_updates` row. On SQLite the
 * table was a rowid table plus an index for its primary key (bot_id, update_id): two B-trees
 * for one key. As a `WITHOUT ROWID` table the primary key is the table, so an insert writes
 * one page less (of ~23 a paid text writes). Same columns, key and processed_at index; the
 * rows are copied. Postgres is unchanged (its heap and primary key index are what it is).
 */

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

const NOW = `(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))`;

/**
 * Rebuilds the table, `WITHOUT ROWID` or not, keeping its rows and index.
 * @param {import('knex').Knex} knex
 * @param {boolean} withoutRowid
 */
async function rebuild(knex, withoutRowid) {
  await knex.raw(
    `CREATE TABLE telegram_updates_rebuilt (
       bot_id bigint NOT NULL,
       update_id bigint NOT NULL,
       processed_at datetime NOT NULL DEFAULT ${NOW},
       PRIMARY KEY (bot_id, update_id)
     )${withoutRowid ? ' WITHOUT ROWID' : ''}`,
  );
  await knex.raw(
    `INSERT INTO telegram_updates_rebuilt (bot_id, update_id, processed_at)
     SELECT bot_id, update_id, processed_at FROM telegram_updates`,
  );
  await knex.raw('DROP TABLE telegram_updates');
  await knex.raw('ALTER TABLE telegram_updates_rebuilt RENAME TO telegram_updates');
  await knex.raw(
    'CREATE INDEX telegram_updates_processed_at_index ON telegram_updates (processed_at)',
  );
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  if (isPostgres(knex)) return;
  await rebuild(knex, true);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  if (isPostgres(knex)) return;
  await rebuild(knex, false);
}
