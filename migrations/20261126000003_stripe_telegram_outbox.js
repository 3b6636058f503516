// @ts-check
/**
 * Processed Stripe events and Telegram updates (webhook idempotency), the outbox of
 * outgoing Telegram work, and persisted per-chat pauses after a long 429.
 */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('stripe_events', (table) => {
    // evt_…
    table.string('id', 255).primary();
    table.string('type', 128).notNullable();
    // The Checkout Session, PaymentIntent, charge… the event is about.
    table.string('object_id', 255).nullable().index('stripe_events_object_id_index');
    table.timestamp('received_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.timestamp('processed_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('telegram_updates', (table) => {
    // update_id is only unique per bot, so the bot id scopes it.
    table.bigInteger('bot_id').notNullable();
    table.bigInteger('update_id').notNullable();
    table.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.primary(['bot_id', 'update_id']);
    table.index(['processed_at'], 'telegram_updates_processed_at_index');
  });

  await knex.schema.createTable('outbox', (table) => {
    table.bigIncrements('id');
    table.string('kind', 64).notNullable();
    table.bigInteger('chat_id').notNullable();
    table.integer('thread_id').nullable();
    table.bigInteger('fan_id').nullable();
    table.integer('priority').notNullable().defaultTo(0);
    // JSON text: the Bot API call to make.
    table.text('payload').notNullable();
    table.string('dedupe_key', 255).nullable().unique('outbox_dedupe_key_unique');
    table
      .string('status', 16)
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'sending', 'sent', 'failed', 'dead'], 'outbox_status_check');
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('available_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.string('locked_by', 128).nullable();
    table.timestamp('locked_until', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.bigInteger('sent_message_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.index(['status', 'available_at'], 'outbox_status_available_at_index');
    // Per-chat ordering: the oldest unsent row of a chat goes first.
    table.index(['chat_id', 'id'], 'outbox_chat_id_index');
  });

  await knex.schema.createTable('chat_pauses', (table) => {
    table.bigInteger('chat_id').primary();
    table.timestamp('until', { useTz: true }).notNullable();
    table.string('reason', 255).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('chat_pauses');
  await knex.schema.dropTableIfExists('outbox');
  await knex.schema.dropTableIfExists('telegram_updates');
  await knex.schema.dropTableIfExists('stripe_events');
}
