/**
 * Issue 17: the admin group's shared budget (`rate_windows`) is written by group commit —
 * takes and settles asked while another runs share one transaction, each still answered
 * with the log as it left that operation. Counts statements (never timings). On SQLite, or
 * Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupBudgetStore } from '../../../src/adapters/db/group-budget-store.js';
import type { WindowRule } from '../../../src/core/traffic/limits.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

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
});
