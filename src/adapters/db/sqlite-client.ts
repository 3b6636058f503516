/**
 * The better-sqlite3 knex client with write transactions that cannot fail half-way.
 *
 * knex opens SQLite transactions with a plain (deferred) `BEGIN`: the first read takes a
 * snapshot and the first write then needs the write lock. When another process (`payments
 * reconcile`, `backup`, a second connection) wrote in between, that upgrade fails at once
 * with SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT, without waiting for the busy timeout, and a
 * read-then-write transaction (a gift, an auto-recharge attempt) is lost. `BEGIN IMMEDIATE`
 * takes the write lock first, waiting through the busy timeout; a `BEGIN` still refused
 * after that is retried with a bounded backoff. This process has one connection, so its
 * own transactions are serialized anyway: taking the lock early costs nothing here.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);

interface KnexTransaction {
  query(conn: unknown, sql: string): Promise<unknown>;
}
type TransactionClass = new (...args: unknown[]) => KnexTransaction;
type ClientClass = new (config: unknown) => object;

// knex's own classes: its public API has no hook for the BEGIN statement.
const SqliteTransaction =
  require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as TransactionClass;
const BetterSqliteClient = require('knex/lib/dialects/better-sqlite3/index.js') as ClientClass;

/** How often and how long `BEGIN IMMEDIATE` is retried after the busy timeout gave up. */
export const BEGIN_RETRY = { attempts: 5, firstDelayMs: 50, maxDelayMs: 1_000 } as const;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY…). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs `begin`, retrying busy errors with exponential backoff and jitter, a bounded number of times. */
export async function retryBusy<T>(
  begin: () => Promise<T>,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await begin();
    } catch (err) {
      if (!isBusyError(err) || attempt >= BEGIN_RETRY.attempts) throw err;
      const base = Math.min(BEGIN_RETRY.maxDelayMs, BEGIN_RETRY.firstDelayMs * 2 ** (attempt - 1));
      await wait(base / 2 + Math.random() * (base / 2));
    }
  }
}

class ImmediateTransaction extends SqliteTransaction {
  begin(conn: unknown): Promise<unknown> {
    return retryBusy(() => this.query(conn, 'BEGIN IMMEDIATE;'));
  }
}

/** Prepared statements kept per connection (the most recently used; the hot path needs ~20). */
export const STATEMENT_CACHE_SIZE = 500;

interface Statement {
  reader: boolean;
  all(bindings: unknown[]): unknown;
  run(bindings: unknown[]): { lastInsertRowid: number | bigint; changes: number };
}
interface Connection {
  prepare(sql: string): Statement;
}
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  options?: { safeIntegers?: boolean };
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}

/** The statements prepared on each connection, by SQL text, least recently used first. */
const statementCaches = new WeakMap<Connection, Map<string, Statement>>();

/**
 * `connection.prepare(sql)`, once per connection and SQL text: knex prepares every statement
 * anew (SQLite parses and plans it each time); a cached statement is reused, with new
 * bindings. SQLite re-prepares a cached statement by itself when the schema changed.
 */
export function preparedStatement(connection: Connection, sql: string): Statement {
  let cache = statementCaches.get(connection);
  if (!cache) statementCaches.set(connection, (cache = new Map()));
  const cached = cache.get(sql);
  if (cached) {
    cache.delete(sql);
    cache.set(sql, cached);
    return cached;
  }
  const statement = connection.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return statement;
}

/**
 * The better-sqlite3 client whose top-level transactions begin IMMEDIATE (savepoints are
 * unchanged) and whose statements are prepared once per connection (`preparedStatement`).
 */
export class ImmediateSqliteClient extends BetterSqliteClient {
  transaction(...args: unknown[]): KnexTransaction {
    return new ImmediateTransaction(this, ...args);
  }

  // knex's own `_query` (better-sqlite3 dialect), with the prepared statement cached.
  async _query(connection: Connection, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    if (!connection) throw new Error('No connection provided');
    const self = this as unknown as {
      _formatBindings(bindings: unknown[] | undefined): unknown[];
      _query(connection: Connection, obj: QueryObject): Promise<QueryObject>;
    };
    // A per-query integer mode changes the statement: such queries keep knex's own path.
    if (obj.options?.safeIntegers !== undefined) {
      return (BetterSqliteClient.prototype as typeof self)._query.call(this, connection, obj);
    }
    const statement = preparedStatement(connection, obj.sql);
    const bindings = self._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}
