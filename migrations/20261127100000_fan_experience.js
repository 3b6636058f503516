// @ts-check
/**
 * Fan experience: which relayed message is the copy of which (edits, replies, receipts).
 * `fan` links a fan's message to its copy in their topic; `team` links a team answer in the
 * topic to its copy in the fan's chat.
 */

/** @param {import('knex').Knex} knex */
function now(knex) {
  return knex.client.config.client === 'pg'
    ? knex.fn.now()
    : knex.raw("(CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER))");
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('message_links', (table) => {
    table.bigIncrements('id');
    table.bigInteger('fan_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    // fan | team
    table
      .string('direction', 8)
      .notNullable()
      .checkIn(['fan', 'team'], 'message_links_direction_check');
    // The message in the fan's private chat.
    table.integer('fan_message_id').notNullable();
    table.bigInteger('topic_chat_id').notNullable();
    // The message in the fan's topic.
    table.integer('topic_message_id').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now(knex));
    table.unique(['direction', 'fan_id', 'fan_message_id', 'topic_message_id'], {
      indexName: 'message_links_unique',
    });
    table.index(['fan_id', 'fan_message_id'], 'message_links_fan_message_index');
    table.index(['topic_chat_id', 'topic_message_id'], 'message_links_topic_message_index');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('message_links');
}
