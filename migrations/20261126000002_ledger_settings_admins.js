// @ts-check
/**
 * The append-only credit ledger, runtime settings and the admins table.
 *
 * Every credit or pass-second movement is one immutable `credit_ledger` row with a unique
 * idempotency key; the cached balances on `users` change in the same transaction, so
 * users.message_credits == sum(credits_delta), time_credits_seconds == sum(seconds_delta)
 * and credit_debt == sum(debt_delta) per user. Triggers refuse UPDATE and DELETE.
 */

/** @param {import('knex').Knex} knex */
function isPostgres(knex) {
  return knex.client.config.client === 'pg';
}

/** @param {import('knex').Knex} knex */
function now(knex) {
  return isPostgres(knex)
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('credit_ledger', (table) => {
    table.bigIncrements('id');
    table
      .bigInteger('user_id')
      .notNullable()
      .references('id')
      .inTable('users')
      .onDelete('RESTRICT');
    // grant | gift | adjust | spend | unlock | refund | debt_settle | pass_grant | pass_start
    table.string('kind', 32).notNullable();
    table.integer('credits_delta').notNullable().defaultTo(0);
    table.integer('seconds_delta').notNullable().defaultTo(0);
    table.integer('debt_delta').notNullable().defaultTo(0);
    table
      .string('idempotency_key', 255)
      .notNullable()
      .unique('credit_ledger_idempotency_key_unique');
    // What caused the movement: a checkout session, a content id, an admin update…
    table.string('reference', 255).nullable();
    table.text('note').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.index(['user_id', 'id'], 'credit_ledger_user_id_index');
  });

  if (isPostgres(knex)) {
    await knex.raw(`
      CREATE FUNCTION credit_ledger_append_only() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'credit_ledger is append-only';
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER credit_ledger_append_only
      BEFORE UPDATE OR DELETE ON credit_ledger
      FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only()`);
  } else {
    await knex.raw(`
      CREATE TRIGGER credit_ledger_no_update BEFORE UPDATE ON credit_ledger
      BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END`);
    await knex.raw(`
      CREATE TRIGGER credit_ledger_no_delete BEFORE DELETE ON credit_ledger
      BEGIN SELECT RAISE(ABORT, 'credit_ledger is append-only'); END`);
  }

  await knex.schema.createTable('settings', (table) => {
    table.string('key', 128).primary();
    // JSON text, validated by the settings table in src/config/settings.ts.
    table.text('value').notNullable();
    table.bigInteger('updated_by').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now(knex));
  });

  await knex.schema.createTable('admins', (table) => {
    // A Telegram user id; admins need not have talked to the bot, so no foreign key.
    table.bigInteger('user_id').primary();
    table
      .string('role', 16)
      .notNullable()
      .checkIn(['owner', 'admin', 'agent'], 'admins_role_check');
    table.bigInteger('added_by').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('admins');
  await knex.schema.dropTableIfExists('settings');
  await knex.schema.dropTableIfExists('credit_ledger');
  if (isPostgres(knex)) {
    await knex.raw('DROP FUNCTION IF EXISTS credit_ledger_append_only()');
  }
}
