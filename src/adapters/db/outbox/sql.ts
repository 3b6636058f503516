/**
 * What the outbox's hand-written statements share (issue 17): a list of job ids bound as one
 * value, so a statement has one text whatever the number of ids — prepared once on SQLite
 * (the statement cache in sqlite-client.ts) and named once on Postgres (pg-client.ts).
 */
import type { Knex } from 'knex';
import { isPostgres } from '../raw.js';

/** `id IN (the list)`: Postgres unpacks an array, SQLite a JSON array. */
export function idIn(q: Knex | Knex.Transaction, column = 'id'): string {
  return isPostgres(q)
    ? `${column} = ANY(CAST(? AS bigint[]))`
    : `${column} IN (SELECT value FROM json_each(?))`;
}

/** The binding `idIn` takes for `ids`. */
export function idList(q: Knex | Knex.Transaction, ids: readonly number[]): string {
  return isPostgres(q) ? `{${ids.join(',')}}` : JSON.stringify(ids);
}
