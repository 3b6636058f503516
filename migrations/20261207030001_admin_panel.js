// @ts-check
/**
 * The admin panel (issue 14): its menus, the audit log, and a settings revision.
 *
 * `panel_menus`: one row per panel message. Its buttons carry `pn:<id>.<nonce>:<version>:<n>`;
 * the action behind button n is looked up here (a forged press finds nothing), and a press
 * acts only after `UPDATE … SET version = version + 1 WHERE id = ? AND version = ?` matched
 * (a double tap, on any instance, acts once). `stamp` fingerprints the data the menu shows,
 * so a press on a menu older than its data refreshes it instead of acting. `awaiting_*` is
 * a typed answer the menu waits for (a force-reply prompt). Rows idle for 30 days are pruned.
 *
 * `audit_log`: every admin action — who, what, about which fan, before/after (JSON), when.
 *
 * `settings_revision`: one row bumped with every settings write; each instance checks it on
 * read (at most every second) and reloads its cache when it moved.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('panel_menus', (table) => {
    table.bigIncrements('id');
    table.string('nonce', 16).notNullable();
    table.bigInteger('chat_id').notNullable();
    table.bigInteger('thread_id').nullable();
    table.bigInteger('message_id').nullable();
    table.string('screen', 64).notNullable();
    table.text('state').notNullable();
    table.text('buttons').notNullable();
    table.string('stamp', 128).nullable();
    table.string('rendered', 64).nullable();
    table.integer('version').notNullable().defaultTo(0);
    table.bigInteger('awaiting_user_id').nullable();
    table.text('awaiting').nullable();
    table.bigInteger('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['chat_id', 'awaiting_user_id'], 'panel_menus_awaiting_index');
    table.index(['updated_at'], 'panel_menus_updated_at_index');
  });
  await knex.schema.createTable('audit_log', (table) => {
    table.bigIncrements('id');
    table.bigInteger('actor_id').notNullable();
    table.string('action', 64).notNullable();
    table.bigInteger('fan_id').nullable();
    table.string('subject', 128).nullable();
    table.text('before').nullable();
    table.text('after').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['actor_id', 'id'], 'audit_log_actor_index');
    table.index(['fan_id', 'id'], 'audit_log_fan_index');
  });
  await knex.schema.createTable('settings_revision', (table) => {
    table.integer('id').primary();
    table.bigInteger('revision').notNullable().defaultTo(0);
  });
  await knex('settings_revision').insert({ id: 1, revision: 0 });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('settings_revision');
  await knex.schema.dropTableIfExists('audit_log');
  await knex.schema.dropTableIfExists('panel_menus');
}
