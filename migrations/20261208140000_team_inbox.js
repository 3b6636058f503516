// @ts-check
/**
 * The team inbox (issue 19): roles, claims, duty, held messages.
 *
 * `admins` is rebuilt (SQLite cannot change a CHECK constraint in place; the copy is the same
 * on both dialects) to allow the `analyst` role and to carry:
 * - `on_duty`: the agent takes new paying fans in the round-robin (`/duty on|off`);
 * - `last_assigned_at`: when the round-robin last gave them a fan (the oldest goes next).
 *
 * `team_names`: the name and @username of the people who wrote in the admin group, as last
 * seen (owners and members on /team, /assign and the fan card; `/team add @username`).
 *
 * `fan_claims`: one row per claimed fan — who answers them (`/take`, `/assign`, take-over).
 * The primary key on `fan_id` makes a claim single; moves are conditional updates.
 *
 * `team_held_messages`: a team member's message in a topic someone else claimed, held instead
 * of relayed (the collision guard) until its author sends it anyway or takes the fan over.
 * `input` is the team reply as the relay takes it (JSON); `status` goes `held` → `sent` once.
 */

/**
 * Epoch milliseconds on SQLite, like every timestamp knex writes there.
 * @param {import('knex').Knex} knex
 */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/**
 * @param {import('knex').Knex} knex
 * @param {string} name
 * @param {string[]} roles
 * @param {boolean} team the columns this migration adds
 */
function adminsTable(knex, name, roles, team) {
  return knex.schema.createTable(name, (table) => {
    table.bigInteger('user_id').primary();
    table.string('role', 16).notNullable().checkIn(roles, 'admins_role_check');
    table.bigInteger('added_by').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    if (!team) return;
    table.boolean('on_duty').notNullable().defaultTo(false);
    table.timestamp('last_assigned_at', { useTz: true }).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await adminsTable(knex, 'admins_next', ['owner', 'admin', 'agent', 'analyst'], true);
  await knex.raw(
    `INSERT INTO admins_next (user_id, role, added_by, created_at)
     SELECT user_id, role, added_by, created_at FROM admins`,
  );
  await knex.schema.dropTable('admins');
  await knex.schema.renameTable('admins_next', 'admins');
  await knex.schema.createTable('team_names', (table) => {
    table.bigInteger('user_id').primary();
    table.string('name', 160).notNullable();
    table.string('username', 64).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['username'], 'team_names_username_index');
  });
  await knex.schema.createTable('fan_claims', (table) => {
    table.bigInteger('fan_id').primary();
    table.bigInteger('user_id').notNullable();
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table.index(['user_id'], 'fan_claims_user_index');
  });
  await knex.schema.createTable('team_held_messages', (table) => {
    table.bigIncrements('id');
    table.bigInteger('fan_id').notNullable();
    table.bigInteger('author_id').notNullable();
    table.bigInteger('claimer_id').notNullable();
    table.bigInteger('chat_id').notNullable();
    table.bigInteger('thread_id').notNullable();
    table.bigInteger('message_id').notNullable();
    table.text('input').notNullable();
    table.string('status', 16).notNullable().defaultTo('held');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.unique(['chat_id', 'message_id'], { indexName: 'team_held_messages_message_unique' });
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('team_held_messages');
  await knex.schema.dropTableIfExists('fan_claims');
  await knex.schema.dropTableIfExists('team_names');
  await knex('admins').where('role', 'analyst').delete();
  await adminsTable(knex, 'admins_prev', ['owner', 'admin', 'agent'], false);
  await knex.raw(
    `INSERT INTO admins_prev (user_id, role, added_by, created_at)
     SELECT user_id, role, added_by, created_at FROM admins`,
  );
  await knex.schema.dropTable('admins');
  await knex.schema.renameTable('admins_prev', 'admins');
}
