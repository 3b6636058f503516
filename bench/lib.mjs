// @ts-check
/** What the benchmarks share: a fresh migrated database and a runtime with free messages. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import knexFactory from 'knex';
import { createDb } from '../dist/adapters/db/knex.js';
import { createSettingsStore } from '../dist/config/settings-store.js';
import { MESSAGE_TYPES } from '../dist/core/pricing.js';

/** A fresh database: a temp SQLite file, or a new database on the Postgres server. */
export async function freshDatabase(dialect, serverUrl) {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-bench-'));
    const url = `sqlite:${path.join(dir, 'bench.db')}`;
    const db = createDb(url);
    return {
      db,
      destroy: async () => {
        await db.destroy();
        // BENCH_KEEP_DB=1: the database stays for a look (EXPLAIN, sizes); its path is printed.
        if (process.env.BENCH_KEEP_DB === '1') console.error(`kept ${url}`);
        else fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `pb_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { poolMax: 10 });
  return {
    db,
    destroy: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** Sets every `cost.<type>` to 0: fans need no credits, the use case still runs in full. */
export async function freeMessages(db) {
  const settings = createSettingsStore(db);
  for (const type of MESSAGE_TYPES) await settings.set(`cost.${type}`, 0);
}

/** The dialects to run: SQLite, and Postgres when BENCH_DATABASE_URL or TEST_DATABASE_URL says so. */
export function benchDialects() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';
  return { serverUrl, dialects: ['sqlite', ...(/^postgres/i.test(serverUrl) ? ['postgres'] : [])] };
}

/**
 * Runs `fn` `runs + 1` times; the first run warms caches and the pool, the rest are measured.
 * Returns the median and the slowest measured run (ms) and the last result.
 */
export async function timed(fn, runs = 5) {
  const times = [];
  let result;
  for (let run = 0; run <= runs; run += 1) {
    const started = performance.now();
    result = await fn();
    if (run > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1], result };
}

/** A duration in ms, right-aligned for tables. */
export const ms = (value) => `${value.toFixed(0).padStart(5)} ms`;
