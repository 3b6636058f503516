/**
 * Issue 17: the claim-turn trigger's look-up (the lane's next pending job) is planned for
 * each call on Postgres. PL/pgSQL caches its statements' plans per connection; a generic
 * plan made while the outbox was nearly empty (a new install) kept a sequential scan as the
 * table grew — once per claimed row. SQLite has no such trigger function.
 */
export async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER FUNCTION outbox_claim_turn() SET plan_cache_mode = force_custom_plan');
}

export async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER FUNCTION outbox_claim_turn() RESET plan_cache_mode');
}
