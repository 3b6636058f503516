// @ts-check
/**
 * The admin panel's /conversations and /users (issue 14).
 *
 * `users`:
 * - `inbox_waiting_since`: when the fan's first message not answered yet was relayed (null:
 *   answered, or never wrote). Set by the fan message use case's transaction, cleared when a
 *   team answer reaches the fan (the relay's delivery hook).
 * - `inbox_last_fan_at`, `inbox_last_team_at`: the latest relayed fan message and the latest
 *   delivered team answer; `inbox_last_at` the later of the two (the inbox's "last activity").
 * - `tier_override`: a tier set by hand in /users; it wins over the spend rule until reset.
 *
 * `conversations`: `pinned_at` (📌 in /conversations, null: not pinned) and `notes` (the
 * team's private notes on the fan).
 *
 * Indexes, so the inbox reads only the rows of the page it shows with 100,000 fans: the
 * waiting fans in waiting order, the pinned ones, the rest by last activity (newest first,
 * fans who never wrote last). Plain ADD/DROP COLUMN and CREATE INDEX on both dialects (knex's
 * alterTable would rebuild SQLite tables).
 */

/** @param {import('knex').Knex} knex */
function isPg(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  const pg = isPg(knex);
  const ts = pg ? 'timestamptz' : 'bigint';
  for (const column of [
    'inbox_waiting_since',
    'inbox_last_fan_at',
    'inbox_last_team_at',
    'inbox_last_at',
  ]) {
    await knex.raw(`ALTER TABLE users ADD COLUMN ${column} ${ts} NULL`);
  }
  await knex.raw(`ALTER TABLE users ADD COLUMN tier_override varchar(16) NULL`);
  await knex.raw(`ALTER TABLE conversations ADD COLUMN pinned_at ${ts} NULL`);
  await knex.raw(`ALTER TABLE conversations ADD COLUMN notes text NULL`);
  // What fans did before this migration: their last relayed message is their last activity.
  await knex.raw(
    `UPDATE users SET inbox_last_at = last_activity_at, inbox_last_fan_at = last_activity_at
     WHERE message_count > 0`,
  );
  await knex.raw('CREATE INDEX users_inbox_waiting_index ON users (inbox_waiting_since)');
  await knex.raw(
    pg
      ? 'CREATE INDEX users_inbox_last_at_index ON users (inbox_last_at DESC NULLS LAST, id DESC)'
      : 'CREATE INDEX users_inbox_last_at_index ON users (inbox_last_at DESC, id DESC)',
  );
  await knex.raw('CREATE INDEX conversations_pinned_at_index ON conversations (pinned_at)');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS conversations_pinned_at_index');
  await knex.raw('DROP INDEX IF EXISTS users_inbox_last_at_index');
  await knex.raw('DROP INDEX IF EXISTS users_inbox_waiting_index');
  await knex.raw('ALTER TABLE conversations DROP COLUMN notes');
  await knex.raw('ALTER TABLE conversations DROP COLUMN pinned_at');
  for (const column of [
    'tier_override',
    'inbox_last_at',
    'inbox_last_team_at',
    'inbox_last_fan_at',
    'inbox_waiting_since',
  ]) {
    await knex.raw(`ALTER TABLE users DROP COLUMN ${column}`);
  }
}
