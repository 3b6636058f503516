/** The dashboard's queries on hand-made rows: what each figure counts, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatsStore } from '../../../src/adapters/db/stats-store.js';
import type { StatsStore } from '../../../src/core/stats/ports.js';
import { windowOf } from '../../../src/core/stats/ranges.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('stats store', () => {
  let testDb: TestDb;
  let store: StatsStore;
  beforeAll(async () => {
    testDb = await createMigratedTestDb();
    store = createStatsStore(testDb.db);
    await seed(testDb);
  });
  afterAll(async () => {
    await testDb?.destroy();
  });

  it('nets refunds and disputes, per bucket, currency and source', async () => {
    const { buckets, payingFans } = await store.revenue(
      windowOf(NOW, 30).from,
      windowOf(NOW, 7).from,
    );
    const key = (r: { at: number; currency: string; source: string }) =>
      `${new Date(r.at).toISOString().slice(0, 16)} ${r.currency} ${r.source}`;
    expect(Object.fromEntries(buckets.map((r) => [key(r), r.netMinor]))).toEqual({
      '2026-12-07T01:00 usd checkout': 300,
      '2026-12-07T02:00 eur quick_buy': 700,
      '2026-12-04T02:00 usd auto_recharge': 0,
      '2026-12-04T03:00 usd auto_recharge': 600,
      '2026-11-27T02:00 usd checkout': 0,
    });
    expect(payingFans).toBe(3);
    expect(await store.openDisputes()).toEqual([{ currency: 'usd', count: 1, minor: 1000 }]);
  });

  it('times first responses from the first fan message of a wait to the next answer', async () => {
    expect(await store.firstResponses(windowOf(NOW, 1).from)).toEqual({
      answered: 3,
      medianMs: 2 * MIN,
    });
    // Two days hold fan 2's wait from yesterday too: four waits, the mean of the middle two.
    expect(await store.firstResponses(windowOf(NOW, 2).from)).toEqual({
      answered: 4,
      medianMs: 3.5 * MIN,
    });
    const buckets = await store.messages(windowOf(NOW, 1).from);
    const sum = (k: 'fromFans' | 'answers') => buckets.reduce((a, b) => a + b[k], 0);
    expect([sum('fromFans'), sum('answers')]).toEqual([6, 5]);
    expect(buckets.every((b) => b.at % 900_000 === 0)).toBe(true);
  });

  it('counts active, new and converted fans, and the top spenders', async () => {
    expect(await store.fanCounts(windowOf(NOW, 7).from)).toEqual({
      active: 4,
      new: 3,
      converted: 2,
    });
    const top = await store.topFans(2);
    expect(top.map((f) => [f.fanId, f.totalSpentMinor])).toEqual([
      [5, 600],
      [1, 300],
    ]);
  });
});

/** Six fans, their payments, purchases and links (see the expectations above). */
async function seed({ db }: TestDb): Promise<void> {
  const fan = (id: number, created: string, active: string | null, spent = 0) => ({
    id,
    first_name: `Fan${id}`,
    created_at: at(created),
    updated_at: at(created),
    last_activity_at: active ? at(active) : null,
    total_spent_cents: spent,
  });
  await db('users').insert([
    fan(1, '2026-12-07T01:00:00Z', '2026-12-07T11:00:00Z', 300),
    fan(2, '2026-12-05T01:00:00Z', '2026-12-07T02:00:00Z'),
    fan(3, '2026-11-01T01:00:00Z', '2026-12-07T03:00:00Z'),
    fan(4, '2026-11-01T01:00:00Z', '2026-11-20T03:00:00Z'),
    fan(5, '2026-11-01T01:00:00Z', '2026-12-04T03:00:00Z', 600),
    fan(6, '2026-12-06T01:00:00Z', null),
  ]);
  const pay = (
    id: number,
    user: number,
    when: string,
    fields: Record<string, unknown>,
    grant = true,
  ) => ({ id, user, when, fields, grant });
  const payments = [
    pay(1, 1, '2026-12-07T01:05:00Z', {
      checkout_session_id: 'cs_1',
      payment_intent_id: 'pi_1',
      amount_paid_usd_cents: 500,
      amount_refunded_cents: 200,
      status: 'partially_refunded',
    }),
    pay(2, 2, '2026-12-07T02:00:00Z', {
      payment_intent_id: 'pi_2',
      amount_paid_usd_cents: 700,
      currency: 'eur',
      source: 'quick_buy',
      status: 'paid',
    }),
    pay(3, 3, '2026-11-27T02:00:00Z', {
      checkout_session_id: 'cs_3',
      amount_paid_usd_cents: 1000,
      status: 'paid',
      dispute_status: 'open',
      dispute_id: 'dp_3',
    }),
    pay(4, 4, '2026-12-04T02:00:00Z', {
      payment_intent_id: 'pi_4',
      amount_paid_usd_cents: 400,
      source: 'auto_recharge',
      status: 'paid',
      dispute_status: 'lost',
      dispute_id: 'dp_4',
    }),
    pay(5, 5, '2026-12-04T03:00:00Z', {
      payment_intent_id: 'pi_5',
      amount_paid_usd_cents: 600,
      source: 'auto_recharge',
      status: 'paid',
      dispute_status: 'won',
      dispute_id: 'dp_5',
    }),
    pay(6, 6, '2026-12-06T02:00:00Z', { checkout_session_id: 'cs_6', status: 'pending' }, false),
  ];
  for (const p of payments) {
    await db('transactions').insert({
      id: p.id,
      user_id: p.user,
      currency: 'usd',
      created_at: at(p.when),
      updated_at: at(p.when),
      ...p.fields,
    });
    if (!p.grant) continue;
    const reference = (p.fields.checkout_session_id ?? p.fields.payment_intent_id) as string;
    await db('credit_ledger').insert({
      user_id: p.user,
      kind: 'grant',
      credits_delta: 10,
      idempotency_key: `grant:${reference}`,
      reference,
      created_at: at(p.when),
    });
  }
  let message = 0;
  const link = (fanId: number, direction: 'fan' | 'team', when: string) => {
    message += 1;
    return {
      fan_id: fanId,
      direction,
      fan_message_id: message,
      topic_chat_id: -100,
      topic_message_id: message,
      created_at: at(when),
    };
  };
  await db('message_links').insert([
    // Fan 1: a wait of 5 min (two messages, one answer), one of 2 min, an answer to nothing.
    link(1, 'fan', '2026-12-07T08:00:00Z'),
    link(1, 'fan', '2026-12-07T08:01:00Z'),
    link(1, 'team', '2026-12-07T08:05:00Z'),
    link(1, 'fan', '2026-12-07T08:10:00Z'),
    link(1, 'team', '2026-12-07T08:12:00Z'),
    link(1, 'team', '2026-12-07T08:13:00Z'),
    // Fan 2: the wait began yesterday, so it is not one of today's.
    link(2, 'fan', '2026-12-06T23:50:00Z'),
    link(2, 'fan', '2026-12-07T00:10:00Z'),
    link(2, 'team', '2026-12-07T00:20:00Z'),
    // Fan 3: answered yesterday, wrote today, answered 30 s later.
    link(3, 'team', '2026-12-06T20:00:00Z'),
    link(3, 'fan', '2026-12-07T09:00:00Z'),
    link(3, 'team', '2026-12-07T09:00:30Z'),
    // Fan 4: waiting, unanswered.
    link(4, 'fan', '2026-12-07T10:00:00Z'),
  ]);
}
