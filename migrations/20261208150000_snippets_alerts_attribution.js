// @ts-check
/**
 * The team inbox, second half (issue 19): saved replies, response-time alerts, attribution.
 *
 * `snippets`: the team's saved replies, by unique lower-case `name`. `kind` is `text` or the
 * media kind (`photo`, `video`, `animation`, `document`, `audio`, `voice`); `file_id` the
 * media's Telegram file; `text` the text or caption with its `entities` (JSON) — placeholders
 * like `{first_name}` are filled when sent, as plain text.
 *
 * `team_replies`: one row per team answer relayed to a fan (`source_key` unique: a
 * redelivered update counts once) — who answered, when, and `waited_ms` when the answer was
 * the first to a waiting fan (their first-response time). Payments are attributed to the
 * author of the fan's latest answer before the payment (read, not stored).
 *
 * `response_alerts`: one row per wait of a paying fan that was reminded (`fan_id`,
 * `waiting_since_ms` = `users.inbox_waiting_since`): the insert is the claim, so two instances
 * remind once. `cleared_at` is set when the wait ended (the team answered).
 *
 * `conversations.topic_icon`: the icon state (`waiting`, `claimed`, `vip`, or null) last asked
 * of Telegram for the fan's topic, and `topic_icon_at` when, so renames are coalesced.
 */

/** @param {import('knex').Knex} knex */
function isPg(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('snippets', (table) => {
    table.increments('id');
    table.string('name', 32).notNullable().unique('snippets_name_unique');
    table.string('kind', 16).notNullable();
    table.text('text').nullable();
    table.text('entities').nullable();
    table.string('file_id', 255).nullable();
    table.bigInteger('created_by').notNullable();
    table.bigInteger('updated_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('team_replies', (table) => {
    table.bigIncrements('id');
    table.bigInteger('fan_id').notNullable();
    table.bigInteger('admin_id').notNullable();
    table.timestamp('replied_at', { useTz: true }).notNullable();
    table.bigInteger('waited_ms').nullable();
    table.string('source_key', 64).notNullable().unique('team_replies_source_unique');
    table.index(['fan_id', 'replied_at'], 'team_replies_fan_index');
    table.index(['replied_at'], 'team_replies_replied_at_index');
  });
  await knex.schema.createTable('response_alerts', (table) => {
    table.bigInteger('fan_id').notNullable();
    table.bigInteger('waiting_since_ms').notNullable();
    table.timestamp('alerted_at', { useTz: true }).notNullable();
    table.timestamp('cleared_at', { useTz: true }).nullable();
    table.primary(['fan_id', 'waiting_since_ms']);
    table.index(['cleared_at'], 'response_alerts_cleared_index');
  });
  const ts = isPg(knex) ? 'timestamptz' : 'bigint';
  await knex.raw('ALTER TABLE conversations ADD COLUMN topic_icon varchar(16) NULL');
  await knex.raw(`ALTER TABLE conversations ADD COLUMN topic_icon_at ${ts} NULL`);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('ALTER TABLE conversations DROP COLUMN topic_icon_at');
  await knex.raw('ALTER TABLE conversations DROP COLUMN topic_icon');
  await knex.schema.dropTableIfExists('response_alerts');
  await knex.schema.dropTableIfExists('team_replies');
  await knex.schema.dropTableIfExists('snippets');
}
