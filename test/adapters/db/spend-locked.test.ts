/**
 * The fan message's spend (issue 17): hand-written SQL built once; on Postgres the ledger
 * entry and the fan's update are one statement (a data-modifying CTE), on SQLite two. The
 * semantics are those of the two statements: a taken key moves nothing, a refused guard
 * rolls the entry back with the transaction, the message is counted only when asked. On
 * SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFrozenError, InsufficientCreditsError } from '../../../src/core/errors.js';
import { spendLocked } from '../../../src/adapters/db/ledger/spends.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

describe('spendLocked', () => {
  let t: TestDb;
  let nextFan = 7_000_001;
  beforeAll(async () => {
    t = await createMigratedTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function fan(credits: number, frozen = false): Promise<number> {
    const id = nextFan++;
    await t
      .db('users')
      .insert({ id, first_name: 'F', message_credits: credits, is_frozen: frozen });
    if (credits > 0) {
      await t.db('credit_ledger').insert({
        user_id: id,
        kind: 'grant',
        credits_delta: credits,
        idempotency_key: `grant:${id}`,
      });
    }
    return id;
  }

  async function row(id: number) {
    const r = (await t.db('users').where('id', id).first()) as Record<string, unknown>;
    return {
      credits: Number(r.message_credits),
      count: Number(r.message_count),
      waiting: r.inbox_waiting_since !== null,
    };
  }

  const entries = async (key: string) =>
    Number(
      (
        (await t.db('credit_ledger').where('idempotency_key', key).count({ n: '*' }))[0] as {
          n: unknown;
        }
      ).n,
    );

  async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
    const sql: string[] = [];
    const listener = (q: { sql: string }) => sql.push(q.sql);
    t.db.on('query', listener);
    try {
      return { result: await work(), sql: sql.filter((s) => !/^(begin|commit)/i.test(s)) };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  it('writes the entry and moves the balance, counting the message when asked', async () => {
    const id = await fan(10);
    const now = new Date();
    const { result, sql } = await statementsOf(() =>
      t.db.transaction((trx) => spendLocked(trx, id, 3, `spend:${id}:1`, {}, now)),
    );
    expect(sql).toHaveLength(t.dialect === 'postgres' ? 1 : 2);
    expect(result?.balance.credits).toBe(7);
    expect(result?.entry).toMatchObject({ fanId: id, kind: 'spend', creditsDelta: -3 });
    expect(await row(id)).toEqual({ credits: 7, count: 1, waiting: true });

    const plain = await t.db.transaction((trx) => spendLocked(trx, id, 2, `spend:${id}:2`, {}));
    expect(plain?.balance.credits).toBe(5);
    expect(await row(id)).toEqual({ credits: 5, count: 1, waiting: true });
  });

  it('a taken key moves nothing and returns null', async () => {
    const id = await fan(10);
    const key = `spend:${id}:1`;
    await t.db.transaction((trx) => spendLocked(trx, id, 3, key, {}, new Date()));
    const again = await t.db.transaction((trx) => spendLocked(trx, id, 3, key, {}, new Date()));
    expect(again).toBeNull();
    expect(await row(id)).toEqual({ credits: 7, count: 1, waiting: true });
    expect(await entries(key)).toBe(1);
  });

  it('a refused guard throws and the entry is rolled back with the transaction', async () => {
    const poor = await fan(1);
    await expect(
      t.db.transaction((trx) => spendLocked(trx, poor, 3, `spend:${poor}:1`, {}, new Date())),
    ).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await entries(`spend:${poor}:1`)).toBe(0);
    expect(await row(poor)).toEqual({ credits: 1, count: 0, waiting: false });

    const frozen = await fan(10, true);
    await expect(
      t.db.transaction((trx) => spendLocked(trx, frozen, 3, `spend:${frozen}:1`, {}, new Date())),
    ).rejects.toBeInstanceOf(AccountFrozenError);
    expect(await entries(`spend:${frozen}:1`)).toBe(0);
    expect(await row(frozen)).toEqual({ credits: 10, count: 0, waiting: false });
  });

  it('the balance still equals the sum of the ledger', async () => {
    const id = await fan(20);
    for (let i = 0; i < 5; i++) {
      await t.db.transaction((trx) => spendLocked(trx, id, 2, `spend:${id}:${i}`, {}, new Date()));
    }
    const sum = (
      await t.db('credit_ledger').where('user_id', id).sum({ s: 'credits_delta' })
    )[0] as {
      s: unknown;
    };
    expect(Number(sum.s)).toBe(10);
    expect((await row(id)).credits).toBe(10);
  });
});
