import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import type pgModule from 'pg';
import { parseDatabaseUrl, type DatabaseTarget } from '../../config/database-url.js';
import { PreparedPgClient } from './pg-client.js';
import { isPostgres } from './raw.js';
import { ImmediateSqliteClient, type SqliteClientConfig } from './sqlite-client.js';

export type Db = Knex;
export type { Knex };

/** The top-level `migrations/` folder of the installed package. */
export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

export interface CreateDbOptions {
  /** Max pool size for Postgres (SQLite always uses one connection). */
  poolMax?: number;
  /** Milliseconds SQLite waits on a locked database before failing. */
  busyTimeoutMs?: number;
  /**
   * SQLite files: how long after opening the connection its checkpoints move to a thread of
   * their own (`startCheckpointer` in sqlite-client.ts), or false to leave them to SQLite.
   */
  backgroundCheckpointAfterMs?: number | false;
}

/** Knex options shared by both dialects: where migrations live and how they load. */
export function migrationConfig(): Knex.MigratorConfig {
  return {
    directory: MIGRATIONS_DIR,
    loadExtensions: ['.js'],
    tableName: 'knex_migrations',
  };
}

/**
 * Builds (does not connect) a knex instance for DATABASE_URL. SQLite gets WAL, foreign
 * keys, a busy timeout and transactions that take the write lock first (another process
 * may write to the same file); its parent folder is created. Postgres gets a pool.
 */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  return createDbFor(parseDatabaseUrl(databaseUrl), options);
}

/** Like createDb, from an already parsed target. */
export function createDbFor(target: DatabaseTarget, options: CreateDbOptions = {}): Db {
  if (target.dialect === 'sqlite') {
    if (target.filename !== ':memory:') {
      fs.mkdirSync(path.dirname(target.filename), { recursive: true });
    }
    const busyTimeout = options.busyTimeoutMs ?? 5000;
    const config: Knex.Config & SqliteClientConfig = {
      // better-sqlite3, with write transactions that begin IMMEDIATE and checkpoints in a
      // thread of their own (sqlite-client.ts).
      client: ImmediateSqliteClient as unknown as typeof Knex.Client,
      connection: { filename: target.filename },
      backgroundCheckpointAfterMs: options.backgroundCheckpointAfterMs,
      useNullAsDefault: true,
      migrations: migrationConfig(),
      pool: {
        min: 1,
        max: 1,
        afterCreate(
          conn: { pragma(source: string): unknown },
          done: (err: Error | null, conn: unknown) => void,
        ) {
          try {
            conn.pragma('journal_mode = WAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma(`busy_timeout = ${busyTimeout}`);
            conn.pragma('synchronous = NORMAL');
            // Statistics for the planner, gathered where they are missing or stale (cheap).
            conn.pragma('optimize = 0x10002');
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
    };
    return knexFactory(config);
  }
  const db = knexFactory({
    // pg, with data statements prepared once per connection under a name (pg-client.ts).
    client: PreparedPgClient as unknown as typeof Knex.Client,
    connection: { connectionString: target.connectionString, types: pgTypes },
    pool: { min: 0, max: options.poolMax ?? 10 },
    migrations: migrationConfig(),
    acquireConnectionTimeout: 10_000,
  });
  // The dialect's name, as the migrations and `dialectOf` read it.
  (db.client as { config: { client: unknown } }).config.client = 'pg';
  return db;
}

const PG_INT8_OID = 20;

/**
 * Postgres returns int8 (bigint columns, COUNT, SUM of integers) as strings; Telegram ids,
 * ledger ids and sums all fit in 2^53, so they are read as numbers, the same as on SQLite.
 * A value that would lose precision fails loudly instead of being rounded.
 */
export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`bigint ${value} does not fit in a JavaScript number`);
  }
  return n;
}

const require = createRequire(import.meta.url);
/**
 * The pg driver's own parsers, loaded with the first Postgres connection: a SQLite install
 * never loads pg (its ~30 modules are a few MB of a serving process's memory, issue 17).
 */
let pgDriverTypes: typeof pgModule.types | undefined;

/** Per-connection type parsers, so the global pg.types of other libraries stay untouched. */
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === PG_INT8_OID && format !== 'binary') return parseInt8;
    pgDriverTypes ??= (require('pg') as typeof pgModule).types;
    return format === 'binary'
      ? pgDriverTypes.getTypeParser(oid, 'binary')
      : pgDriverTypes.getTypeParser(oid, 'text');
  },
};

/**
 * Refreshes the planner's statistics: `PRAGMA optimize` on SQLite (knex never runs
 * `ANALYZE`, and SQLite has no autovacuum to do it), `ANALYZE` on Postgres. Run after
 * migrations; the outbox also runs it on SQLite once an hour (`OPTIMIZE_EVERY_MS`).
 */
export async function optimizeDatabase(db: Db): Promise<void> {
  await db.raw(dialectOf(db) === 'sqlite' ? 'PRAGMA optimize' : 'ANALYZE');
}

/** How often a long-running SQLite process refreshes its statistics. */
export const OPTIMIZE_EVERY_MS = 3_600_000;

/** The dialect of a knex instance built by createDb. */
export function dialectOf(db: Db): 'sqlite' | 'postgres' {
  return isPostgres(db) ? 'postgres' : 'sqlite';
}
