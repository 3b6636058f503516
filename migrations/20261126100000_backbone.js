// @ts-check
/**
 * The Telegram traffic backbone: outbox lanes (strict order per private chat or per fan
 * topic), the attempt marker that separates "claimed" from "maybe sent", the outcome of
 * finished jobs, small durable bot state, scheduled-job runs (one instance runs each) and
 * shared per-group send windows for several instances on Postgres.
 */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outbox', (table) => {
    // Jobs of one lane are sent strictly in order: a private chat, or one fan's topic.
    table.string('lane', 96).notNullable().defaultTo('');
    // Set just before the Bot API call leaves: a crash after it means "maybe sent".
    table.timestamp('attempt_started_at', { useTz: true }).nullable();
    table.timestamp('sent_at', { useTz: true }).nullable();
    // delivered | uncertain | blocked | dropped | gave_up
    table.string('outcome', 16).nullable();
  });
  await knex.schema.alterTable('outbox', (table) => {
    table.index(['lane', 'status', 'id'], 'outbox_lane_status_index');
  });
  // The claim order (highest priority, then oldest), so a claim reads the queue's front only.
  await knex.raw('CREATE INDEX outbox_claim_index ON outbox (status, priority DESC, id)');

  await knex.schema.createTable('bot_state', (table) => {
    table.string('key', 128).primary();
    table.text('value').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
  });

  await knex.schema.createTable('job_runs', (table) => {
    table.string('name', 64).notNullable();
    // The schedule slot (e.g. the minute it fired for); one instance wins each slot.
    table.string('slot', 64).notNullable();
    table.string('owner', 128).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.primary(['name', 'slot']);
  });

  await knex.schema.createTable('rate_windows', (table) => {
    table.bigInteger('chat_id').primary();
    // JSON array of epoch-ms send times inside the current window.
    table.text('sends').notNullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('rate_windows');
  await knex.schema.dropTableIfExists('job_runs');
  await knex.schema.dropTableIfExists('bot_state');
  await knex.raw('DROP INDEX IF EXISTS outbox_claim_index');
  await knex.schema.alterTable('outbox', (table) => {
    table.dropIndex(['lane', 'status', 'id'], 'outbox_lane_status_index');
  });
  await knex.schema.alterTable('outbox', (table) => {
    table.dropColumn('outcome');
    table.dropColumn('sent_at');
    table.dropColumn('attempt_started_at');
    table.dropColumn('lane');
  });
}
