/**
 * Issue 17: a fan card's data in one statement — the account as `readFanAccount` reads it,
 * who holds the fan (their name, `#id` without one) and the latest purchase as
 * `readLatestSale` picks it; the purchase's own read only for a fan who has one. Counted with
 * a knex query listener. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCardView } from '../../../src/adapters/db/card-view-store.js';
import { readFanAccount, readFanAccounts } from '../../../src/adapters/db/fan-account-store.js';
import { readLatestSale } from '../../../src/adapters/db/payment/latest-sale.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

describe('card view store (issue 17)', () => {
  let t: TestDb;
  const now = new Date();
  beforeAll(async () => {
    t = await createMigratedTestDb();
    const fan = (id: number, first_name: string) => ({ id, first_name, created_at: now });
    await t.db('users').insert([fan(11, 'Ann'), fan(12, 'Bob'), fan(13, 'Cid'), fan(14, 'Dee')]);
    await t.db('conversations').insert({
      user_id: 12,
      chat_id: -100500,
      topic_id: 77,
      title: 'Bob',
      card_message_id: 78,
      created_at: now,
      updated_at: now,
    });
    await t.db('team_names').insert({ user_id: 900, name: 'Zoe', updated_at: now });
    await t.db('fan_claims').insert([
      { fan_id: 12, user_id: 900, claimed_at: now },
      { fan_id: 13, user_id: 901, claimed_at: now },
    ]);
    const [product] = (await t
      .db('products')
      .insert({
        label: '10 credits',
        type: 'credits',
        amount: 10,
        price_cents: 500,
        currency: 'usd',
        active: true,
        sort: 1,
        created_at: now,
        updated_at: now,
      })
      .returning('id')) as Array<{ id: number } | number>;
    const productId = typeof product === 'object' ? product.id : product;
    const sale = (status: string, credits: number, cents: number) => ({
      user_id: 14,
      product_id: productId,
      status,
      credits_granted: credits,
      amount_paid_usd_cents: cents,
      currency: 'usd',
      created_at: now,
      updated_at: now,
    });
    // The latest fulfilled one that granted credits is shown; a pending one after it is not.
    await t.db('transactions').insert(sale('paid', 10, 500));
    await t.db('transactions').insert(sale('paid', 10, 700));
    await t.db('transactions').insert(sale('pending', 10, 900));
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
    let statements = 0;
    const listener = () => statements++;
    t.db.on('query', listener);
    try {
      return { result: await fn(), statements };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  it('a new fan: the account, nobody holding them, no purchase — one statement', async () => {
    const { result, statements } = await counted(() => readCardView(t.db, 11));
    expect(statements).toBe(1);
    expect(result).toEqual({
      account: await readFanAccount(t.db, 11),
      claimedBy: null,
      sale: null,
    });
  });

  it('the holder by name, or by id without one; the topic comes with the account', async () => {
    const bob = await readCardView(t.db, 12);
    expect(bob?.claimedBy).toBe('Zoe');
    expect(bob?.account).toEqual(await readFanAccount(t.db, 12));
    expect(bob?.account.topic).toEqual({ chatId: -100500, topicId: 77, cardMessageId: 78 });
    expect((await readCardView(t.db, 13))?.claimedBy).toBe('#901');
  });

  it('a fan with a purchase: the latest one, as the sale read picks it', async () => {
    const { result, statements } = await counted(() => readCardView(t.db, 14));
    expect(statements).toBe(2);
    const latest = await readLatestSale(t.db, 14);
    expect(latest?.purchase.amountCents).toBe(700);
    expect(result?.sale).toEqual(latest);
  });

  it("several fans' accounts in one statement (the balance bars due together)", async () => {
    const { result, statements } = await counted(() => readFanAccounts(t.db, [11, 12, 99, 11]));
    expect(statements).toBe(1);
    expect([...result.keys()].sort()).toEqual([11, 12]);
    expect(result.get(12)).toEqual(await readFanAccount(t.db, 12));
  });

  it('no fan, no card', async () => {
    expect(await readCardView(t.db, 99)).toBeNull();
  });
});
