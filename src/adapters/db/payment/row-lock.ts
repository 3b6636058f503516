import type { Knex } from 'knex';
import { dialectOf } from '../knex.js';

/** A row lock for reads inside a transaction: FOR UPDATE on Postgres; SQLite has one writer anyway. */
export type RowLock = <T extends Knex.QueryBuilder>(query: T) => T;

/** The row lock of `db`'s dialect. */
export function rowLockOf(db: Knex): RowLock {
  const postgres = dialectOf(db) === 'postgres';
  return <T extends Knex.QueryBuilder>(query: T): T =>
    postgres ? (query.forUpdate() as T) : query;
}
