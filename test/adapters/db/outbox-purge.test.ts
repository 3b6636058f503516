/**
 * The nightly purge of finished outbox jobs (jobs/outbox-cleanup.ts, 30 days). It deletes
 * exactly the finished jobs (sent, failed, dead) last updated before the cutoff, keeps live
 * jobs whatever their age, and works in chunks along the primary key that stop at the first
 * job created after the cutoff: no statement deletes more than a chunk, and the month of
 * history it keeps is never read (issue 17: one DELETE scanned the whole outbox under the
 * write lock). Counts of statements and rows, never timings. On SQLite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const DAY = 24 * 3600_000;
const NOW = Date.now();
const CUTOFF = new Date(NOW - 30 * DAY);

function job(key: string): NewOutboxJob {
  return {
    kind: 'notice.fan',
    target: { type: 'chat', chatId: 710_000_001 },
    method: 'sendMessage',
    params: { text: key },
    priority: 5,
    dedupeKey: key,
  };
}

describe('purging finished outbox jobs', () => {
  let t: TestDb;
  let store: DbOutboxStore;
  let statements: string[] = [];
  const listen = (q: { sql: string }) => statements.push(q.sql.trim().toLowerCase());
  beforeAll(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
    t.db.on('query', listen);
  });
  afterAll(async () => {
    t?.db.off('query', listen);
    await t?.destroy();
  });
  beforeEach(async () => {
    await t.db('outbox').delete();
  });

  /** Jobs in id order, each created and last updated `ageDays` ago with `status`. */
  async function seed(rows: Array<{ status: string; ageDays: number; updatedAgeDays?: number }>) {
    const ids = await store.enqueue(rows.map((_, i) => job(`purge:${NOW}:${i}:${Math.random()}`)));
    for (const [i, row] of rows.entries()) {
      await t
        .db('outbox')
        .where('id', ids[i]!)
        .update({
          status: row.status,
          created_at: new Date(NOW - row.ageDays * DAY),
          updated_at: new Date(NOW - (row.updatedAgeDays ?? row.ageDays) * DAY),
        });
    }
    return ids;
  }
  const left = async () =>
    ((await t.db('outbox').orderBy('id').select('id')) as Array<{ id: unknown }>).map((r) =>
      Number(r.id),
    );

  it('deletes the finished jobs last updated before the cutoff, and nothing else', async () => {
    const ids = await seed([
      { status: 'sent', ageDays: 40 },
      { status: 'pending', ageDays: 40 },
      { status: 'failed', ageDays: 39 },
      { status: 'sending', ageDays: 38 },
      { status: 'dead', ageDays: 35 },
      // Created before the cutoff, finished after it: kept.
      { status: 'sent', ageDays: 33, updatedAgeDays: 10 },
      { status: 'sent', ageDays: 5 },
      { status: 'pending', ageDays: 1 },
    ]);
    expect(await store.purgeFinished(CUTOFF)).toBe(3);
    expect(await left()).toEqual([ids[1], ids[3], ids[5], ids[6], ids[7]]);
  });

  it('works in chunks that stop at the first job created after the cutoff', async () => {
    const old = Array.from({ length: 7 }, (_, i) => ({ status: 'sent', ageDays: 60 - i }));
    const recent = Array.from({ length: 40 }, (_, i) => ({ status: 'sent', ageDays: 20 - i / 4 }));
    const ids = await seed([...old, ...recent]);
    statements = [];
    expect(await store.purgeFinished(CUTOFF, { chunk: 3 })).toBe(7);
    const deletes = statements.filter((s) => s.startsWith('delete'));
    const reads = statements.filter((s) => s.startsWith('select'));
    expect(await left()).toEqual(ids.slice(7));
    // 7 jobs, 3 to a chunk: three deletes; the third read meets the first recent job and ends
    // the walk (the 40 recent jobs would take 14 more reads).
    expect(deletes).toHaveLength(3);
    expect(reads).toHaveLength(3);
  });

  it('reads nothing past the cutoff when nothing is old enough', async () => {
    await seed(Array.from({ length: 10 }, (_, i) => ({ status: 'sent', ageDays: 10 - i / 2 })));
    statements = [];
    expect(await store.purgeFinished(CUTOFF, { chunk: 4 })).toBe(0);
    expect(statements.filter((s) => s.startsWith('delete'))).toHaveLength(0);
    expect(statements).toHaveLength(1);
    expect(await left()).toHaveLength(10);
  });
});
