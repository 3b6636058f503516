/**
 * Issue 17: an outbox claim is one statement served by the partial index of pending jobs of
 * one kind of chat, walked in the order the jobs are taken (no sort of the backlog); status
 * writes of concurrent calls share statements. Counts and plans, never timings. On SQLite,
 * or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000001;
const LANES = 30;
const PER_LANE = 20;

function groupJob(fanId: number, i: number, priority = 10): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: GROUP, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: i },
    priority,
    dedupeKey: `t:${fanId}:${i}`,
  };
}

function privateJob(fanId: number, i: number): NewOutboxJob {
  return {
    kind: 'notice.fan',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params: { text: `n ${i}` },
    priority: 5,
    dedupeKey: `p:${fanId}:${i}`,
  };
}

describe('outbox claims (issue 17)', () => {
  let t: TestDb;
  let store: DbOutboxStore;
  const fans = Array.from({ length: LANES }, (_, i) => 700_000_000 + i);

  beforeAll(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
    // History (sent), then a backlog of group and private jobs, interleaved by fan.
    const history: NewOutboxJob[] = [];
    for (let i = 0; i < 1_000; i++) history.push(privateJob(fans[i % LANES]!, 10_000 + i));
    const historyIds = await store.enqueue(history);
    await t.db('outbox').whereIn('id', historyIds).update({ status: 'sent' });
    const backlog: NewOutboxJob[] = [];
    for (let round = 0; round < PER_LANE; round++) {
      for (const fan of fans) backlog.push(groupJob(fan, round), privateJob(fan, round));
    }
    await store.enqueue(backlog);
    await t.db.raw(t.dialect === 'sqlite' ? 'ANALYZE' : 'ANALYZE outbox');
  }, 60_000);
  afterAll(async () => {
    await t?.destroy();
  });

  async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
    const sql: string[] = [];
    const listener = (q: { sql: string }) => sql.push(q.sql);
    t.db.on('query', listener);
    try {
      return { result: await fn(), sql };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  it('claims lane heads of one kind of chat in one statement, in claim order', async () => {
    const { result: groups, sql } = await statementsOf(() =>
      store.claim({
        workerId: 'w1',
        leaseMs: 60_000,
        limit: 8,
        excludeChatIds: [],
        privateChats: false,
      }),
    );
    expect(sql).toHaveLength(1);
    expect(groups.map((j) => j.target.chatId)).toEqual(Array(8).fill(GROUP));
    // The first job of the first 8 lanes, oldest first.
    expect(groups.map((j) => j.params.message_id)).toEqual(Array(8).fill(0));
    expect(groups.map((j) => j.params.from_chat_id)).toEqual(fans.slice(0, 8));
    expect(groups.every((j) => j.status === 'sending')).toBe(true);

    // Those lanes are busy: the next claim takes the heads of the other lanes only.
    const more = await store.claim({
      workerId: 'w1',
      leaseMs: 60_000,
      limit: 100,
      excludeChatIds: [],
      privateChats: false,
    });
    expect(more).toHaveLength(LANES - 8);
    expect(more.map((j) => j.params.from_chat_id)).toEqual(fans.slice(8));

    const privates = await store.claim({
      workerId: 'w1',
      leaseMs: 60_000,
      limit: 5,
      excludeChatIds: [fans[0]!],
      privateChats: true,
    });
    expect(privates.map((j) => j.target.chatId)).toEqual(fans.slice(1, 6));
    expect(privates.map((j) => j.params.text)).toEqual(Array(5).fill('n 0'));
  });

  it('walks the partial index in claim order: no sort of the backlog', async () => {
    // The claim statement itself, explained with the bindings it ran with.
    const seen: Array<{ sql: string; bindings: unknown[] }> = [];
    const listener = (q: { sql: string; bindings: unknown[] }) => seen.push(q);
    t.db.on('query', listener);
    try {
      await store.claim({
        workerId: 'w3',
        leaseMs: 60_000,
        limit: 1,
        excludeChatIds: [fans[0]!],
        privateChats: false,
      });
    } finally {
      t.db.removeListener('query', listener);
    }
    expect(seen).toHaveLength(1);
    const sql = seen[0]!.sql.replace(/\$\d+/g, '?');
    const bindings = seen[0]!.bindings as never[];
    if (t.dialect === 'sqlite') {
      const plan = (await t.db.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings)) as Array<{
        detail: string;
      }>;
      const text = plan.map((r) => r.detail).join('\n');
      expect(text).toContain('outbox_pending_group_claim_index');
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      const plan = (await t.db.raw(`EXPLAIN ${sql}`, bindings)) as {
        rows: Array<{ 'QUERY PLAN': string }>;
      };
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('outbox_pending_group_claim_index');
      expect(text).not.toMatch(/\bSort\b/);
    }
  });

  it('writes the status of concurrent calls in shared statements, each job its own message id', async () => {
    const claimed = await store.claim({
      workerId: 'w2',
      leaseMs: 60_000,
      limit: 20,
      excludeChatIds: [],
      privateChats: true,
    });
    expect(claimed.length).toBeGreaterThanOrEqual(10);
    const jobs = claimed.slice(0, 10);
    const { sql } = await statementsOf(() =>
      Promise.all([
        store.markAttempt(
          jobs.map((j) => j.id),
          'w2',
        ),
        ...jobs.map((j, i) => store.markSent([j.id], [5_000 + i])),
      ]),
    );
    // One attempt write, then at most two sent writes (the first alone, the rest together).
    expect(sql.filter((s) => /sent_message_id/.test(s)).length).toBeLessThanOrEqual(2);
    for (const [i, job] of jobs.entries()) {
      const row = await store.get(job.id);
      expect(row).toMatchObject({ status: 'sent', outcome: 'delivered', sentMessageId: 5_000 + i });
    }
    const untouched = await store.get(claimed[10]?.id ?? claimed[0]!.id);
    expect(untouched?.status).toBe(claimed.length > 10 ? 'sending' : 'sent');
  });
});
