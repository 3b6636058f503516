/**
 * Issue 17: the admin group's shared budget (`rate_windows`) is written by group commit —
 * takes and settles asked while another runs share one transaction, each still answered
 * with the log as it left that operation — and a settle waits to share the next write instead
 * of starting one. Counts statements (never timings). On SQLite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGroupBudgetStore } from '../../../src/adapters/db/group-budget-store.js';
import type { WindowRule } from '../../../src/core/traffic/limits.js';
import { decodeShared } from '../../../src/core/traffic/shared-window.js';
import { createMigratedTestDb, createTestDb, type TestDb } from '../../helpers/db.js';

const CHAT = -100123;
const RULE: WindowRule = { limit: 5, windowMs: 60_000 };

describe('the group budget store (issue 17)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('concurrent takes share transactions, keep their order and never overspend', async () => {
    const store = createGroupBudgetStore(t.db);
    const now = Date.now();
    await store.take(CHAT, 1, 'first', now, RULE);
    let statements = 0;
    const count = () => statements++;
    t.db.on('query', count);
    const takes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.take(CHAT, 1, `s${i}`, now, RULE)),
    );
    t.db.off('query', count);
    // One asked while none ran, the seven others together: far fewer than 8 × (read + write).
    expect(statements).toBeLessThan(8 * 2);
    // In the order asked: the first four fit next to 'first', the others must wait.
    expect(takes.map((r) => r.taken)).toEqual([true, true, true, true, false, false, false, false]);
    expect(takes[3]!.log.map((s) => s.slot)).toEqual(['first', 's0', 's1', 's2', 's3']);
    const stored = await store.read(CHAT, now, RULE);
    expect(stored.map((s) => s.slot)).toEqual(['first', 's0', 's1', 's2', 's3']);
    expect(stored.every((s) => s.open)).toBe(true);
  });

  it('settles in one batch close or give back each slot', async () => {
    const store = createGroupBudgetStore(t.db);
    const now = Date.now();
    const logs = await Promise.all([
      store.settle(CHAT, 's0', now, RULE, false),
      store.settle(CHAT, 's1', now, RULE, true),
      store.settle(CHAT, 'first', now, RULE, false),
    ]);
    expect(logs[2]!.map((s) => [s.slot, s.open])).toEqual([
      ['first', false],
      ['s0', false],
      ['s2', true],
      ['s3', true],
    ]);
    expect((await store.read(CHAT, now, RULE)).map((s) => s.slot)).toEqual([
      'first',
      's0',
      's2',
      's3',
    ]);
  });

  it("another instance's writes are never overwritten: a stale swap falls back to the locked read", async () => {
    const a = createGroupBudgetStore(t.db);
    const b = createGroupBudgetStore(t.db);
    const chat = -100777;
    const now = Date.now();
    const rule: WindowRule = { limit: 3, windowMs: 60_000 };
    expect((await a.take(chat, 1, 'a1', now, rule)).taken).toBe(true);
    expect((await a.take(chat, 1, 'a2', now, rule)).taken).toBe(true);
    // The other instance takes the last send; `a` still remembers the row without it.
    expect((await b.take(chat, 1, 'b1', now, rule)).taken).toBe(true);
    const late = await a.take(chat, 1, 'a3', now, rule);
    expect(late.taken).toBe(false);
    expect((await b.read(chat, now, rule)).map((s) => s.slot)).toEqual(['a1', 'a2', 'b1']);
    // And `a` settles on the row as it stands, keeping b's send.
    await a.settle(chat, 'a1', now, rule, true);
    expect((await b.read(chat, now, rule)).map((s) => s.slot)).toEqual(['a2', 'b1']);
  });

  it('a take on the row as last seen is one statement', async () => {
    const store = createGroupBudgetStore(t.db);
    const chat = -100888;
    const now = Date.now();
    await store.take(chat, 1, 'x1', now, RULE);
    const seen: string[] = [];
    const record = (q: { sql: string }) => seen.push(q.sql);
    t.db.on('query', record);
    await store.take(chat, 1, 'x2', now, RULE);
    await store.settle(chat, 'x2', now, RULE, false);
    t.db.off('query', record);
    expect(seen, seen.join('\n')).toHaveLength(2);
    expect(seen.every((sql) => /^update/i.test(sql))).toBe(true);
  });

  /** Counts the statements `t.db` runs during `body` (writes: UPDATE / INSERT). */
  async function counting<T>(body: () => Promise<T>) {
    const sql: string[] = [];
    const record = (q: { sql: string }) => sql.push(q.sql);
    t.db.on('query', record);
    try {
      const result = await body();
      return { result, sql, writes: sql.filter((q) => /^\s*(update|insert)/i.test(q)) };
    } finally {
      t.db.off('query', record);
    }
  }

  it('send cycles write once each: a settle shares the next take, the last one goes alone', async () => {
    const store = createGroupBudgetStore(t.db);
    const chat = -100901;
    const rule: WindowRule = { limit: 100, windowMs: 60_000 };
    const now = Date.now();
    await store.take(chat, 1, 'seed', now, rule);
    const cycles = 10;
    // As the sender does: each take awaited, its settle fired and not awaited before the next.
    const { writes } = await counting(async () => {
      const settles: Promise<unknown>[] = [];
      for (let i = 0; i < cycles; i++) {
        expect((await store.take(chat, 1, `c${i}`, now, rule)).taken).toBe(true);
        settles.push(store.settle(chat, `c${i}`, now, rule, false));
      }
      await Promise.all(settles);
    });
    expect(writes.length, writes.join('\n')).toBeLessThanOrEqual(cycles + 1);
    const log = await store.read(chat, now, rule);
    expect(log.filter((s) => s.open).map((s) => s.slot)).toEqual(['seed']);
    expect(log.filter((s) => !s.open)).toHaveLength(cycles);
  });

  it('a settle alone reaches the row by itself, shortly after', async () => {
    const store = createGroupBudgetStore(t.db);
    const chat = -100902;
    const now = Date.now();
    await store.take(chat, 1, 'alone', now, RULE);
    const settled = store.settle(chat, 'alone', now, RULE, false);
    const stored = async () => {
      const row = (await t.db('rate_windows').where({ chat_id: chat }).first('sends')) as {
        sends: string;
      };
      return decodeShared(row.sends);
    };
    // Nothing else on the group: the settle is written on its own (no timing asserted).
    await vi.waitFor(async () => expect((await stored())[0]?.open).toBe(false), {
      timeout: 10_000,
      interval: 20,
    });
    expect((await settled).map((s) => [s.slot, s.open])).toEqual([['alone', false]]);
  });

  it("a read writes this process's waiting settles first and sees them", async () => {
    const store = createGroupBudgetStore(t.db);
    const chat = -100903;
    const now = Date.now();
    await store.take(chat, 2, 'r1', now, RULE);
    await store.take(chat, 1, 'r2', now, RULE);
    const { result, sql } = await counting(async () => {
      const settles = [
        store.settle(chat, 'r1', now, RULE, false),
        store.settle(chat, 'r2', now, RULE, true),
      ];
      const log = await store.read(chat, now, RULE);
      await Promise.all(settles);
      return log;
    });
    expect(result.map((s) => [s.slot, s.open])).toEqual([
      ['r1', false],
      ['r1', false],
    ]);
    // One statement in all: the settles' write is the read (the swap matched the row).
    expect(sql, sql.join('\n')).toHaveLength(1);
    // Another instance reads the row and sees the same.
    const other = createGroupBudgetStore(t.db);
    expect((await other.read(chat, now, RULE)).map((s) => [s.slot, s.open])).toEqual([
      ['r1', false],
      ['r1', false],
    ]);
  });

  it('a take writes the waiting settles with it, at once and in the order asked', async () => {
    const store = createGroupBudgetStore(t.db);
    const chat = -100904;
    const rule: WindowRule = { limit: 2, windowMs: 60_000 };
    const now = Date.now();
    await store.take(chat, 1, 'a', now, rule);
    await store.take(chat, 1, 'b', now, rule);
    const { result, writes } = await counting(async () => {
      const settles = [
        store.settle(chat, 'a', now, rule, true),
        store.settle(chat, 'b', now + 1, rule, false),
      ];
      const take = await store.take(chat, 1, 'c', now + 2, rule);
      return { settles: await Promise.all(settles), take };
    });
    expect(writes, writes.join('\n')).toHaveLength(1);
    // Each answered with the log as it left that operation.
    const view = (log: { slot: string; open: boolean; at: number }[]) =>
      log.map((s) => [s.slot, s.open, s.at - now]);
    expect(view(result.settles[0]!)).toEqual([['b', true, 0]]);
    expect(view(result.settles[1]!)).toEqual([['b', false, 1]]);
    expect(result.take.taken).toBe(true);
    expect(view(result.take.log)).toEqual([
      ['b', false, 1],
      ['c', true, 2],
    ]);
  });

  it('another instance counts the settles still waiting here as in flight, never less', async () => {
    const a = createGroupBudgetStore(t.db);
    const b = createGroupBudgetStore(t.db);
    const chat = -100905;
    const rule: WindowRule = { limit: 2, windowMs: 60_000 };
    const now = Date.now();
    await a.take(chat, 2, 'a1', now, rule);
    const settled = a.settle(chat, 'a1', now, rule, true);
    // Not written yet (or written: either way the window is never overspent).
    const early = await b.take(chat, 2, 'b1', now, rule);
    await settled;
    const late = await b.take(chat, 2, 'b1', now, rule);
    expect(early.taken || late.taken).toBe(true);
    const log = await a.read(chat, now, rule);
    expect(log.map((s) => s.slot)).toEqual(['b1', 'b1']);
  });

  it('a failed write rejects every operation of its batch, waiting settles included', async () => {
    // No migrations: the table is missing, so every write fails.
    const bare = await createTestDb();
    try {
      const store = createGroupBudgetStore(bare.db);
      const now = Date.now();
      const settle = store.settle(CHAT, 'x', now, RULE, false);
      const take = store.take(CHAT, 1, 'y', now, RULE);
      await expect(take).rejects.toThrow();
      await expect(settle).rejects.toThrow();
    } finally {
      await bare.destroy();
    }
  });
});
