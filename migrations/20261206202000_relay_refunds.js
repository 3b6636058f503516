// @ts-check
/**
 * Relay refunds: a `relay.fan` outbox job carries the ledger key of the spend that paid for
 * it, so a job that ends without delivery (dropped, given up, bot removed) can give exactly
 * those credits back (`relay_refund:<spend key>`) in the transaction that closes it.
 * `credit_ledger.kind` is a plain string column, so the new `relay_refund` kind needs no change.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outbox', (table) => {
    // The spend's idempotency key (spend:<chat>:<message>); null for free and non-relay jobs.
    table.string('spend_key', 255).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('outbox', (table) => {
    table.dropColumn('spend_key');
  });
}
