// @ts-check
/**
 * Seed schema: fans (`users`), the product catalog, fan ↔ topic conversations, Stripe
 * transactions and the `user_dashboard` view.
 *
 * Timestamps are `timestamptz` on Postgres and epoch milliseconds on SQLite (what knex's
 * SQLite client writes for a JS Date), so defaults on SQLite produce milliseconds too.
 */

/**
 * Default "now" for a timestamp column, in the representation the dialect stores.
 * @param {import('knex').Knex} knex
 */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/**
 * @param {import('knex').Knex.CreateTableBuilder} table
 * @param {import('knex').Knex} knex
 */
function timestamps(table, knex) {
  table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
  table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
}

/** Valid on both dialects: total_spent counts paid transactions only. */
const CREATE_USER_DASHBOARD = `
CREATE VIEW user_dashboard AS
SELECT
  u.id,
  u.username,
  u.tier,
  u.message_credits,
  u.time_credits_seconds,
  COALESCE(paid.total_spent, 0) AS total_spent,
  u.message_count,
  u.last_activity_at AS last_activity
FROM users u
LEFT JOIN (
  SELECT user_id, SUM(amount_paid_usd_cents) AS total_spent
  FROM transactions
  WHERE status = 'paid'
  GROUP BY user_id
) paid ON paid.user_id = u.id`;

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('products', (table) => {
    table.increments('id');
    table.string('label', 255).notNullable();
    table.string('type', 16).notNullable().checkIn(['credits', 'time'], 'products_type_check');
    // Credits, or seconds for time products.
    table.integer('amount').notNullable().checkPositive('products_amount_check');
    table.integer('price_cents').notNullable();
    table.string('currency', 3).notNullable().defaultTo('usd');
    table.string('stripe_product_id', 255).nullable();
    table.string('stripe_price_id', 255).nullable().unique();
    table.boolean('active').notNullable().defaultTo(true);
    table.integer('sort').notNullable().defaultTo(0);
    timestamps(table, knex);
    table.check('?? >= 0', ['price_cents'], 'products_price_cents_check');
  });

  await knex.schema.createTable('users', (table) => {
    // The Telegram user id (fits in 2^53; read back as a JS number on both dialects).
    table.bigInteger('id').primary();
    table.string('username', 64).nullable();
    table.string('first_name', 255).nullable();
    table.string('last_name', 255).nullable();
    table.string('language_code', 16).nullable();
    // Cached balances; credit_ledger is the source of truth (balance == sum(ledger)).
    table.integer('message_credits').notNullable().defaultTo(0);
    table.integer('time_credits_seconds').notNullable().defaultTo(0);
    // Credits owed after a refund took back more than the balance held.
    table.integer('credit_debt').notNullable().defaultTo(0);
    table.timestamp('pass_started_at', { useTz: true }).nullable();
    table.timestamp('pass_ends_at', { useTz: true }).nullable();
    table.timestamp('pass_warning_sent_at', { useTz: true }).nullable();
    table.timestamp('pass_end_notice_sent_at', { useTz: true }).nullable();
    table.string('tier', 16).notNullable().defaultTo('new').index('users_tier_index');
    table.bigInteger('total_spent_cents').notNullable().defaultTo(0);
    table.integer('message_count').notNullable().defaultTo(0);
    table.timestamp('last_activity_at', { useTz: true }).nullable();
    table.boolean('is_banned').notNullable().defaultTo(false);
    // The fan blocked the bot (403 from Telegram).
    table.boolean('is_blocked').notNullable().defaultTo(false);
    // An open Stripe dispute: no spending until it closes.
    table.boolean('is_frozen').notNullable().defaultTo(false);
    table.string('stripe_customer_id', 255).nullable().unique();
    table.boolean('auto_recharge_enabled').notNullable().defaultTo(false);
    table
      .integer('auto_recharge_product_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('products')
      .onDelete('SET NULL');
    table.integer('auto_recharge_threshold').nullable();
    table.string('auto_recharge_payment_method_id', 255).nullable();
    table.integer('auto_recharge_consecutive_failures').notNullable().defaultTo(0);
    // Mirror of conversations.topic_id for quick lookups; conversations is authoritative.
    table.integer('topic_id').nullable();
    timestamps(table, knex);
    table.check('?? >= 0', ['message_credits'], 'users_message_credits_check');
    table.check('?? >= 0', ['time_credits_seconds'], 'users_time_credits_seconds_check');
    table.check('?? >= 0', ['credit_debt'], 'users_credit_debt_check');
  });

  await knex.schema.createTable('conversations', (table) => {
    table.increments('id');
    table
      .bigInteger('user_id')
      .notNullable()
      .unique()
      .references('id')
      .inTable('users')
      .onDelete('CASCADE');
    // The admin forum supergroup and the fan's topic (message_thread_id) in it.
    table.bigInteger('chat_id').notNullable();
    table.integer('topic_id').notNullable().index('conversations_topic_id_index');
    table.string('title', 128).nullable();
    // The pinned fan card inside the topic.
    table.integer('card_message_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.timestamp('recreated_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.unique(['chat_id', 'topic_id'], { indexName: 'conversations_chat_topic_unique' });
  });

  await knex.schema.createTable('transactions', (table) => {
    table.increments('id');
    table
      .bigInteger('user_id')
      .notNullable()
      .references('id')
      .inTable('users')
      .onDelete('RESTRICT')
      .index('transactions_user_id_index');
    table
      .integer('product_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('products')
      .onDelete('SET NULL');
    // Fulfilment is keyed on these, so two events about one payment grant once.
    table.string('checkout_session_id', 255).nullable().unique();
    table.string('payment_intent_id', 255).nullable().unique();
    table.integer('amount_paid_usd_cents').notNullable().defaultTo(0);
    table.integer('amount_refunded_cents').notNullable().defaultTo(0);
    table.string('currency', 3).notNullable().defaultTo('usd');
    table.integer('credits_granted').notNullable().defaultTo(0);
    table.integer('seconds_granted').notNullable().defaultTo(0);
    // pending | paid | failed | refunded | partially_refunded | disputed
    table.string('status', 32).notNullable().defaultTo('pending');
    timestamps(table, knex);
  });

  await knex.raw(CREATE_USER_DASHBOARD);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP VIEW IF EXISTS user_dashboard');
  await knex.schema.dropTableIfExists('transactions');
  await knex.schema.dropTableIfExists('conversations');
  await knex.schema.dropTableIfExists('users');
  await knex.schema.dropTableIfExists('products');
}
