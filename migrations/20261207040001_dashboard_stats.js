// @ts-check
/**
 * The /admin dashboard: indexes that let its figures read only the rows of their window
 * (100,000 fans and 1,000,000 ledger rows answer in well under a second), and `panel_files`,
 * where a rendered chart waits for the outbox to upload it.
 *
 * - `credit_ledger (kind, created_at)`: the purchases (`grant`, `pass_grant`) of a window;
 * - `message_links (created_at, direction)`: messages relayed per day (covers the count);
 * - `message_links (fan_id, created_at, id, direction)`: every fan's links in order, covering
 *   what first responses read (no table access, no sort);
 * - `users (created_at)`, `users (last_activity_at)`: new and active fans;
 * - `users (total_spent_cents)`: the top spenders;
 * - `transactions (dispute_status)`: open disputes.
 *
 * Plain CREATE INDEX on both dialects: knex's alterTable would rebuild SQLite tables and
 * lose the ledger's append-only triggers.
 */

const INDEXES = [
  ['credit_ledger_kind_created_at_index', 'credit_ledger', 'kind, created_at'],
  ['message_links_created_at_direction_index', 'message_links', 'created_at, direction'],
  ['message_links_fan_created_at_index', 'message_links', 'fan_id, created_at, id, direction'],
  ['users_created_at_index', 'users', 'created_at'],
  ['users_last_activity_at_index', 'users', 'last_activity_at'],
  ['users_total_spent_cents_index', 'users', 'total_spent_cents'],
  ['transactions_dispute_status_index', 'transactions', 'dispute_status'],
];

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  for (const [name, table, columns] of INDEXES) {
    await knex.raw(`CREATE INDEX ${name} ON ${table} (${columns})`);
  }
  await knex.schema.createTable('panel_files', (table) => {
    table.bigIncrements('id');
    // The file's bytes (a PNG chart); removed once uploaded, or after a day.
    table.binary('data').notNullable();
    table.string('filename', 128).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.index(['created_at'], 'panel_files_created_at_index');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('panel_files');
  for (const [name] of [...INDEXES].reverse()) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
  }
}
