/** What hand-written SQL needs from knex: which dialect runs it, and the rows it returned. */
import type { Knex } from 'knex';

/** True on Postgres (a knex instance or transaction built by `createDb`). */
export function isPostgres(q: Knex | Knex.Transaction): boolean {
  return (q.client as { config: { client: unknown } }).config.client === 'pg';
}

/** Rows of a `raw` result on either dialect (SQLite: the array; Postgres: `.rows`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
