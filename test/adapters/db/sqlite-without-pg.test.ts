/**
 * Issue 17 (serve's footprint): a SQLite install never loads the pg driver. Its type
 * parsers are read with the first Postgres connection, not when the database module is
 * imported; pg and its own modules were ~1.5 MB of a serving process's heap. The test file
 * runs in a process of its own (vitest's forks pool), so nothing else loaded pg before it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/adapters/db/knex.js';

const require = createRequire(import.meta.url);
const pgEntry = require.resolve('pg');
const pgLoaded = () => pgEntry in require.cache;

describe('the database module and a SQLite database (issue 17)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-no-pg-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('does not load pg, migrated and queried', async () => {
    expect(pgLoaded()).toBe(false);
    const db = createDb(`sqlite:${path.join(dir, 'premiumbot.db')}`, {
      backgroundCheckpointAfterMs: false,
    });
    try {
      await db.migrate.latest();
      await db('users').insert({ id: 1, first_name: 'Ann' });
      expect(await db('users').count({ n: '*' }).first()).toEqual({ n: 1 });
    } finally {
      await db.destroy();
    }
    expect(pgLoaded()).toBe(false);
  });
});
