import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/adapters/db/knex.js';
import { runInProcess, tempDir } from './operator-harness.js';

describe('premiumbot backup', () => {
  it('copies a live WAL SQLite database consistently, while a writer holds it open', async () => {
    const dir = tempDir();
    const url = `sqlite:${path.join(dir, 'live.db')}`;
    const db = createDb(url);
    try {
      await db.migrate.latest();
      await db('products').insert({
        label: 'p',
        type: 'credits',
        amount: 10,
        price_cents: 500,
        currency: 'usd',
      });
      // Uncheckpointed WAL content must be in the backup too.
      expect(fs.existsSync(path.join(dir, 'live.db-wal'))).toBe(true);
      const out = path.join(dir, 'copy.db');
      const result = await runInProcess(['backup', '--out', out], {
        cwd: dir,
        env: { DATABASE_URL: url },
      });
      expect(result.code).toBe(0);
      expect(result.output).toContain(`Backup written: ${out}`);
      const copy = new Database(out, { readonly: true });
      expect(copy.prepare('select count(*) as n from products').get()).toEqual({ n: 1 });
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      copy.close();
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);

      const again = await runInProcess(['backup', '--out', out], {
        cwd: dir,
        env: { DATABASE_URL: url },
      });
      expect(again.code).toBe(2);
      expect(again.output).toContain('never overwrites');
    } finally {
      await db.destroy();
    }
  });

  it('explains pg_dump for Postgres instead of pretending (exit 2)', async () => {
    const result = await runInProcess(['backup'], {
      cwd: tempDir(),
      env: { DATABASE_URL: 'postgres://pb:secret@db.internal:5432/pb' },
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain('pg_dump --format=custom');
    expect(result.output).toContain('pg_restore');
    expect(result.output).not.toContain('secret');
  });
});
