/**
 * Issue 17: on SQLite `telegram_updates` is a `WITHOUT ROWID` table (its primary key is the
 * table: one B-tree less to write per fan message), migration
 * `20261210140000_telegram_updates_without_rowid`. Rows survive the migration both ways and
 * the key still refuses a second record of an update. On SQLite, or Postgres with
 * TEST_DATABASE_URL (where the migration changes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpdateStore } from '../../../src/adapters/db/update-store.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const MIGRATION = '20261210140000_telegram_updates_without_rowid.js';

describe('telegram_updates table', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function tableSql(): Promise<string> {
    const rows = (await t.db.raw(
      "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'telegram_updates'",
    )) as Array<{ sql: string }>;
    return rows[0]?.sql ?? '';
  }

  const count = async () =>
    Number(((await t.db('telegram_updates').count({ n: '*' }))[0] as { n: unknown }).n);

  it('keeps its rows and its key through the migration, both ways', async () => {
    const updates = createUpdateStore(t.db, 42);
    await t.db.migrate.down({ name: MIGRATION });
    if (t.dialect === 'sqlite') expect(await tableSql()).not.toMatch(/WITHOUT ROWID/i);
    expect(await updates.markProcessed(1)).toBe(true);
    expect(await updates.markProcessed(2)).toBe(true);

    await t.db.migrate.latest();
    if (t.dialect === 'sqlite') expect(await tableSql()).toMatch(/WITHOUT ROWID/i);
    expect(await count()).toBe(2);
    expect(await updates.isProcessed(1)).toBe(true);
    expect(await updates.markProcessed(2)).toBe(false);
    expect(await updates.markProcessed(3)).toBe(true);
    expect(await updates.prune(new Date(Date.now() + 60_000))).toBe(3);
    expect(await updates.markProcessed(4)).toBe(true);

    await t.db.migrate.down({ name: MIGRATION });
    expect(await count()).toBe(1);
    await t.db.migrate.latest();
    expect(await count()).toBe(1);
  });
});
