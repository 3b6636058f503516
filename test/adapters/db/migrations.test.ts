import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/db/knex.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { EXPECTED_TABLES } from '../../helpers/schema.js';

const TABLES = EXPECTED_TABLES;

async function indexNames(t: TestDb, table: string): Promise<string[]> {
  if (t.dialect === 'postgres') {
    const result = (await t.db.raw('SELECT indexname FROM pg_indexes WHERE tablename = ?', [
      table,
    ])) as { rows: Array<{ indexname: string }> };
    return result.rows.map((r) => r.indexname);
  }
  const rows = (await t.db.raw(
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
    [table],
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

async function viewExists(t: TestDb): Promise<boolean> {
  if (t.dialect === 'postgres') {
    const result = (await t.db.raw(
      "SELECT count(*) AS n FROM information_schema.views WHERE table_name = 'user_dashboard'",
    )) as { rows: Array<{ n: number }> };
    return result.rows[0]?.n === 1;
  }
  const rows = (await t.db.raw(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'view' AND name = 'user_dashboard'",
  )) as Array<{ n: number }>;
  return rows[0]?.n === 1;
}

async function existingTables(db: Db): Promise<string[]> {
  const present: string[] = [];
  for (const table of TABLES) if (await db.schema.hasTable(table)) present.push(table);
  return present;
}

describe('migrations', () => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb();
  });

  afterAll(async () => {
    await t.destroy();
  });

  it('latest creates every table, the view and the indexes', async () => {
    await t.db.migrate.latest();
    expect(await existingTables(t.db)).toEqual(TABLES);
    expect(await viewExists(t)).toBe(true);
    expect(await indexNames(t, 'users')).toContain('users_tier_index');
    expect(await indexNames(t, 'conversations')).toContain('conversations_topic_id_index');
    expect(await indexNames(t, 'outbox')).toContain('outbox_pending_due_index');
    expect(await indexNames(t, 'telegram_updates')).toContain(
      'telegram_updates_processed_at_index',
    );
    const [, pending] = (await t.db.migrate.list()) as [unknown[], unknown[]];
    expect(pending).toHaveLength(0);
  });

  it('rolls back to zero and migrates again', async () => {
    await t.db.migrate.rollback(undefined, true);
    expect(await existingTables(t.db)).toEqual([]);
    expect(await viewExists(t)).toBe(false);
    await t.db.migrate.latest();
    expect(await existingTables(t.db)).toEqual(TABLES);
    expect(await viewExists(t)).toBe(true);
  });

  it('user_dashboard shows each fan’s spend as the payment store keeps it (one currency)', async () => {
    const db = t.db;
    // One insert per row: knex's SQLite multi-row insert fills missing columns with NULL.
    await db('users').insert({
      id: 7_000_000_001,
      username: 'alice',
      message_credits: 12,
      message_count: 3,
      total_spent_cents: 2000,
    });
    await db('users').insert({
      id: 7_000_000_002,
      username: 'bob',
      time_credits_seconds: 600,
      tier: 'vip',
      total_spent_cents: 2500,
    });
    await db('users').insert({ id: 7_000_000_003, username: 'carol' });
    const lastActivity = new Date('2026-11-20T10:00:00.000Z');
    await db('users').where('id', 7_000_000_001).update({ last_activity_at: lastActivity });
    const payments: Array<[number, number, string, string]> = [
      [7_000_000_001, 500, 'paid', 'pi_1'],
      [7_000_000_001, 1500, 'paid', 'pi_2'],
      [7_000_000_001, 999, 'failed', 'pi_3'],
      [7_000_000_002, 2500, 'paid', 'pi_4'],
      [7_000_000_002, 700, 'pending', 'pi_5'],
    ];
    for (const [userId, cents, status, paymentIntentId] of payments) {
      await db('transactions').insert({
        user_id: userId,
        amount_paid_usd_cents: cents,
        status,
        payment_intent_id: paymentIntentId,
      });
    }
    const rows = (await db('user_dashboard').orderBy('id')) as Array<Record<string, unknown>>;
    expect(
      rows.map((r) => ({
        id: r.id,
        username: r.username,
        tier: r.tier,
        message_credits: r.message_credits,
        time_credits_seconds: r.time_credits_seconds,
        total_spent: r.total_spent,
        message_count: r.message_count,
      })),
    ).toEqual([
      {
        id: 7_000_000_001,
        username: 'alice',
        tier: 'new',
        message_credits: 12,
        time_credits_seconds: 0,
        total_spent: 2000,
        message_count: 3,
      },
      {
        id: 7_000_000_002,
        username: 'bob',
        tier: 'vip',
        message_credits: 0,
        time_credits_seconds: 600,
        total_spent: 2500,
        message_count: 0,
      },
      {
        id: 7_000_000_003,
        username: 'carol',
        tier: 'new',
        message_credits: 0,
        time_credits_seconds: 0,
        total_spent: 0,
        message_count: 0,
      },
    ]);
    const alice = rows[0]!;
    const seen =
      alice.last_activity instanceof Date
        ? alice.last_activity
        : new Date(Number(alice.last_activity));
    expect(seen.toISOString()).toBe(lastActivity.toISOString());
  });

  it('refuses negative balances and edits of the ledger', async () => {
    const db = t.db;
    await db('users').insert({ id: 42 });
    await expect(db('users').where('id', 42).update({ message_credits: -1 })).rejects.toThrow();
    await db('credit_ledger').insert({
      user_id: 42,
      kind: 'adjust',
      credits_delta: 0,
      idempotency_key: 'test:1',
    });
    await expect(
      db('credit_ledger').where('idempotency_key', 'test:1').update({ credits_delta: 5 }),
    ).rejects.toThrow(/append-only/);
    await expect(db('credit_ledger').where('idempotency_key', 'test:1').delete()).rejects.toThrow(
      /append-only/,
    );
  });

  it('defaults timestamps to now and reads bigint ids as numbers', async () => {
    const db = t.db;
    const before = Date.now() - 5_000;
    await db('users').insert({ id: 9_007_199_254_740_000 });
    const row = (await db('users').where('id', 9_007_199_254_740_000).first()) as Record<
      string,
      unknown
    >;
    expect(row.id).toBe(9_007_199_254_740_000);
    const created =
      row.created_at instanceof Date ? row.created_at : new Date(Number(row.created_at));
    expect(created.getTime()).toBeGreaterThan(before);
    expect(created.getTime()).toBeLessThan(Date.now() + 5_000);
  });
});
