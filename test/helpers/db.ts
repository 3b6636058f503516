import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createDb, dialectOf, type Db } from '../../src/adapters/db/knex.js';

/**
 * The database the suite runs against: SQLite by default, Postgres when
 * TEST_DATABASE_URL=postgres://… (CI runs the suite once each way).
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? '';
export const testDialect: 'sqlite' | 'postgres' = /^postgres/i.test(testDatabaseUrl)
  ? 'postgres'
  : 'sqlite';

export interface TestDb {
  db: Db;
  url: string;
  dialect: 'sqlite' | 'postgres';
  /** Closes the pool and removes the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, empty database of its own for one test file (or one test): a temp SQLite
 * file, or a new Postgres database created on the TEST_DATABASE_URL server.
 */
export async function createTestDb(options: { poolMax?: number } = {}): Promise<TestDb> {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  if (testDialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-test-'));
    const url = `sqlite:${path.join(dir, 'test.db')}`;
    const db = createDb(url);
    return {
      db,
      url,
      dialect: dialectOf(db),
      async destroy() {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `pb_t_${suffix}`;
  const admin = knexFactory({
    client: 'pg',
    connection: testDatabaseUrl,
    pool: { min: 0, max: 1 },
  });
  await admin.raw(`CREATE DATABASE ${name}`);
  const parsed = new URL(testDatabaseUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const db = createDb(url, { poolMax: options.poolMax ?? 10 });
  return {
    db,
    url,
    dialect: 'postgres',
    async destroy() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** A fresh database with every migration applied. */
export async function createMigratedTestDb(options: { poolMax?: number } = {}): Promise<TestDb> {
  const t = await createTestDb(options);
  await t.db.migrate.latest();
  return t;
}
