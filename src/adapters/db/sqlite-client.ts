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
import { Worker } from 'node:worker_threads';

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

/**
 * Checkpoints in the background (see `startCheckpointer`): how long after the connection
 * opens (a short CLI command never starts a thread), how often, and the main connection's
 * own automatic checkpoint, kept as a backstop for a thread that cannot keep up.
 */
export const BACKGROUND_CHECKPOINT = {
  startAfterMs: 2_000,
  everyMs: 200,
  /** Passes a tick runs at most to catch up with the writer (so the WAL can restart). */
  maxPasses: 4,
  backstopPages: 10_000,
} as const;

/** SQLite's default `wal_autocheckpoint`, restored if the thread fails. */
const DEFAULT_AUTOCHECKPOINT = 1_000;

/**
 * The checkpointing thread: its own connection to the file, `synchronous = NORMAL` like the
 * main one (the WAL is synced before pages are copied, the database after), and a PASSIVE
 * checkpoint every `everyMs`, repeated while the writer added frames during the pass (a WAL
 * whose every frame is copied restarts at the writer's next transaction).
 */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
function tick() {
  for (let pass = 0; pass < workerData.maxPasses; pass++) {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
    if (r.busy || r.log <= 0 || r.checkpointed >= r.log) return;
  }
}
const timer = setInterval(() => {
  try { tick(); } catch (err) { parentPort.postMessage({ error: String(err) }); }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Frames the last pass found in the WAL and copied (for tests and diagnostics). */
  readonly last: { log: number; checkpointed: number } | null;
  stop(): Promise<void>;
}

interface PragmaConnection {
  name: string;
  memory: boolean;
  open: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/**
 * Moves a WAL database's checkpoints off the event loop. SQLite checkpoints in the committing
 * connection once the WAL holds `wal_autocheckpoint` pages, and with `synchronous = NORMAL`
 * a checkpoint fsyncs the WAL and the database: a COMMIT that triggers one blocks the event
 * loop for milliseconds (issue 17 measured COMMIT at 218 µs on average, ~75 µs without the
 * checkpoints' share). A thread with its own connection checkpoints instead, every `everyMs`;
 * durability is as before (WAL, `synchronous = NORMAL`, the same syncs, in another thread).
 * The main connection keeps a large `wal_autocheckpoint` as a backstop, restored to SQLite's
 * default if the thread fails.
 */
export function startCheckpointer(
  connection: PragmaConnection,
  options: { everyMs?: number; backstopPages?: number } = {},
): Checkpointer {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: {
      driver: require.resolve('better-sqlite3'),
      filename: connection.name,
      everyMs: options.everyMs ?? BACKGROUND_CHECKPOINT.everyMs,
      maxPasses: BACKGROUND_CHECKPOINT.maxPasses,
    },
  });
  worker.unref();
  const state: { last: { log: number; checkpointed: number } | null } = { last: null };
  const fallBack = () => {
    if (connection.open) connection.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('message', (m: { log?: number; checkpointed?: number; error?: string }) => {
    if (m.log !== undefined) state.last = { log: m.log, checkpointed: m.checkpointed ?? 0 };
  });
  worker.on('error', fallBack);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  connection.pragma(
    `wal_autocheckpoint = ${options.backstopPages ?? BACKGROUND_CHECKPOINT.backstopPages}`,
  );
  return {
    get last() {
      return state.last;
    },
    async stop() {
      // Kept alive until the thread has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      fallBack();
    },
  };
}

/** What this client reads from the knex config, besides knex's own options. */
export interface SqliteClientConfig {
  /** See `CreateDbOptions.backgroundCheckpointAfterMs` (knex.ts). */
  backgroundCheckpointAfterMs?: number | false;
}

/** The checkpointing thread of each connection that has one. */
const checkpointers = new WeakMap<object, { timer?: NodeJS.Timeout; running?: Checkpointer }>();

/** The background checkpointer of `connection`, once started (tests). */
export function checkpointerOf(connection: object): Checkpointer | undefined {
  return checkpointers.get(connection)?.running;
}

/**
 * Starts the connection's checkpointing thread `startAfterMs` after it opened, if it is a
 * file in WAL mode and still open then.
 */
function scheduleCheckpointer(connection: PragmaConnection, startAfterMs: number): void {
  if (connection.memory) return;
  const entry: { timer?: NodeJS.Timeout; running?: Checkpointer } = {};
  entry.timer = setTimeout(() => {
    entry.timer = undefined;
    if (!connection.open) return;
    const mode = connection.pragma('journal_mode', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') return;
    try {
      entry.running = startCheckpointer(connection);
    } catch {
      // No thread: SQLite's own checkpoints go on as before.
    }
  }, startAfterMs);
  entry.timer.unref();
  checkpointers.set(connection, entry);
}

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

  /** The driver's connection; a file database gets a checkpointing thread (startCheckpointer). */
  async acquireRawConnection(): Promise<unknown> {
    const self = this as unknown as {
      config: SqliteClientConfig;
      acquireRawConnection(): Promise<PragmaConnection>;
    };
    const acquire = (BetterSqliteClient.prototype as typeof self).acquireRawConnection;
    const connection = await acquire.call(this);
    const after = self.config.backgroundCheckpointAfterMs;
    if (after !== false) {
      scheduleCheckpointer(connection, after ?? BACKGROUND_CHECKPOINT.startAfterMs);
    }
    return connection;
  }

  /** Stops the connection's checkpointing thread, then closes it (the last close checkpoints). */
  async destroyRawConnection(connection: { close(): unknown }): Promise<unknown> {
    const entry = checkpointers.get(connection);
    if (entry?.timer) clearTimeout(entry.timer);
    await entry?.running?.stop();
    checkpointers.delete(connection);
    return connection.close();
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
