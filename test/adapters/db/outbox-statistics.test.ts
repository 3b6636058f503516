/**
 * Issue 17: a new install's outbox must not be claimed with the statistics of the empty table
 * its migrations analyzed. On Postgres the claims refresh them (`OUTBOX_ANALYZE`): after a
 * burst of claimed jobs the table's statistics count its rows. On SQLite the claims name
 * their index, so their plan never depends on statistics. SQLite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_ANALYZE } from '../../../src/adapters/db/outbox/claims.js';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000003;

function relay(fanId: number): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: GROUP, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: 1 },
    priority: 10,
    fanId,
    dedupeKey: `relay:${fanId}`,
  };
}

describe('the outbox claims with statistics of the backlog (issue 17)', () => {
  let t: TestDb;
  let store: DbOutboxStore;
  beforeEach(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
  }, 60_000);
  afterEach(async () => {
    await t?.destroy();
  });

  async function claimAll(): Promise<string[]> {
    const seen: string[] = [];
    const listener = (q: { sql: string }) => seen.push(q.sql);
    t.db.on('query', listener);
    try {
      const request = {
        workerId: 'w1',
        leaseMs: 60_000,
        limit: 100,
        excludeChatIds: [],
        privateChats: false,
      };
      while ((await store.claim(request)).length > 0);
    } finally {
      t.db.removeListener('query', listener);
    }
    return seen;
  }

  it('refreshes them after a burst (Postgres) or never needs them (SQLite)', async () => {
    const fans = Array.from(
      { length: OUTBOX_ANALYZE.afterClaimed + 50 },
      (_, i) => 820_000_000 + i,
    );
    if (t.dialect === 'sqlite') {
      await store.enqueue(fans.map(relay));
      const claims = (await claimAll()).filter((sql) => /status = 'sending'/.test(sql));
      expect(claims.length).toBeGreaterThan(0);
      for (const sql of claims) expect(sql).toMatch(/INDEXED BY outbox_pending_group_claim_index/);
      return;
    }
    const tuples = async () =>
      Number(
        (
          (await t.db.raw(`SELECT reltuples FROM pg_class WHERE oid = 'outbox'::regclass`)) as {
            rows: [{ reltuples: number }];
          }
        ).rows[0].reltuples,
      );
    // As a new install's migrations leave it: the empty table analyzed.
    await t.db.raw('ANALYZE outbox');
    expect(await tuples()).toBe(0);
    await store.enqueue(fans.map(relay));
    await claimAll();
    // The claim after the burst analyzed the table first: it counts the jobs now.
    await store.claim({
      workerId: 'w1',
      leaseMs: 60_000,
      limit: 1,
      excludeChatIds: [],
      privateChats: false,
    });
    expect(await tuples()).toBe(fans.length);
  });
});
