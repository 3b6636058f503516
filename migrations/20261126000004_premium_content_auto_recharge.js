// @ts-check
/** Locked media sold per item, its purchases, and off-session auto-recharge attempts. */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('premium_content', (table) => {
    table.increments('id');
    table.string('title', 255).notNullable();
    table.text('description').nullable();
    table.integer('price_credits').notNullable().checkPositive('premium_content_price_check');
    // photo | video | animation | document | audio | voice
    table.string('media_kind', 32).notNullable();
    table.string('file_id', 255).notNullable();
    table.boolean('active').notNullable().defaultTo(true);
    table.bigInteger('created_by').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
  });

  await knex.schema.createTable('content_purchases', (table) => {
    table.increments('id');
    table
      .bigInteger('user_id')
      .notNullable()
      .references('id')
      .inTable('users')
      .onDelete('RESTRICT');
    table
      .integer('content_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('premium_content')
      .onDelete('RESTRICT');
    // The `unlock:<fan>:<item>` ledger entry that paid for it.
    table
      .string('ledger_key', 255)
      .notNullable()
      .unique('content_purchases_ledger_key_unique')
      .references('idempotency_key')
      .inTable('credit_ledger');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.unique(['user_id', 'content_id'], { indexName: 'content_purchases_user_content_unique' });
  });

  await knex.schema.createTable('auto_recharge_attempts', (table) => {
    table.bigIncrements('id');
    table
      .bigInteger('user_id')
      .notNullable()
      .references('id')
      .inTable('users')
      .onDelete('RESTRICT');
    table
      .integer('product_id')
      .unsigned()
      .nullable()
      .references('id')
      .inTable('products')
      .onDelete('SET NULL');
    // The ledger entry whose spend crossed the threshold.
    table.bigInteger('trigger_ledger_id').nullable();
    table.string('trigger_ledger_key', 255).nullable();
    // Also sent to Stripe as the Idempotency-Key of the PaymentIntent.
    table
      .string('idempotency_key', 255)
      .notNullable()
      .unique('auto_recharge_idempotency_key_unique');
    table.string('payment_intent_id', 255).nullable().unique('auto_recharge_payment_intent_unique');
    // pending | processing | succeeded | failed | requires_action
    table.string('status', 32).notNullable().defaultTo('pending');
    table.string('failure_code', 128).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.index(['user_id', 'created_at'], 'auto_recharge_attempts_user_index');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('auto_recharge_attempts');
  await knex.schema.dropTableIfExists('content_purchases');
  await knex.schema.dropTableIfExists('premium_content');
}
