// @ts-check
/**
 * Premium content (issue 18): the vault and what fans unlocked.
 *
 * `premium_content` gains what a vault item needs: every file of the item (`files`, JSON
 * `[{kind, fileId}]`; an album has several, `file_id`/`media_kind` keep the first), an
 * optional money price (`price_cents` in `currency`'s minor units) and Stars price, whether
 * deliveries are protected (`protect_content`) and how the teaser shows it (`teaser`:
 * `spoiler` | `caption`).
 * `content_purchases` is rebuilt (nothing used it): an unlock by credits (its
 * `unlock:<fan>:<item>` ledger key), a Stripe payment (`payment_id`, the `transactions` row,
 * whose refunds and disputes are recorded there) or Stars (`stars`); one per fan and item.
 * `last_sent_at_ms` spaces free resends. `content_item_messages` maps admin-group messages
 * (the locked media, the vault's confirmation) to their item, so `/ppv` as a reply finds it;
 * `content_album_parts` remembers the items of albums posted in the admin group for a day,
 * so `/lock` as a reply to one item takes the whole album.
 */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('premium_content', (table) => {
    table.text('files').nullable();
    table.integer('price_cents').nullable();
    table.string('currency', 3).nullable();
    table.integer('price_stars').nullable();
    table.boolean('protect_content').notNullable().defaultTo(false);
    table.string('teaser', 16).notNullable().defaultTo('spoiler');
  });
  await knex.schema.dropTable('content_purchases');
  await knex.schema.createTable('content_purchases', (table) => {
    table.increments('id');
    table.bigInteger('user_id').notNullable().references('id').inTable('users');
    table
      .integer('content_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('premium_content')
      .onDelete('RESTRICT');
    // credits | stripe | stars
    table.string('source', 16).notNullable();
    table.integer('credits').notNullable().defaultTo(0);
    table.string('ledger_key', 255).nullable().unique('content_purchases_ledger_key_unique');
    table.integer('payment_id').nullable();
    table.integer('stars').nullable();
    table.bigInteger('last_sent_at_ms').notNullable().defaultTo(0);
    table.integer('deliveries').notNullable().defaultTo(0);
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.unique(['user_id', 'content_id'], { indexName: 'content_purchases_user_content_unique' });
    table.index(['content_id'], 'content_purchases_content_index');
  });
  await knex.schema.createTable('content_item_messages', (table) => {
    table.bigInteger('chat_id').notNullable();
    table.integer('message_id').notNullable();
    table.integer('item_id').notNullable();
    table.primary(['chat_id', 'message_id']);
  });
  await knex.schema.createTable('content_album_parts', (table) => {
    table.bigInteger('chat_id').notNullable();
    table.integer('message_id').notNullable();
    table.string('media_group_id', 64).notNullable();
    table.string('kind', 16).notNullable();
    table.string('file_id', 255).notNullable();
    table.bigInteger('created_at_ms').notNullable();
    table.primary(['chat_id', 'message_id']);
    table.index(['chat_id', 'media_group_id'], 'content_album_parts_group_index');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('content_album_parts');
  await knex.schema.dropTable('content_item_messages');
  await knex.schema.dropTable('content_purchases');
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
    table
      .string('ledger_key', 255)
      .notNullable()
      .unique('content_purchases_ledger_key_unique')
      .references('idempotency_key')
      .inTable('credit_ledger');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.unique(['user_id', 'content_id'], { indexName: 'content_purchases_user_content_unique' });
  });
  await knex.schema.alterTable('premium_content', (table) => {
    table.dropColumn('files');
    table.dropColumn('price_cents');
    table.dropColumn('currency');
    table.dropColumn('price_stars');
    table.dropColumn('protect_content');
    table.dropColumn('teaser');
  });
}
