/**
 * The drop engine over a real migrated database (SQLite, or Postgres with
 * TEST_DATABASE_URL) and the real outbox store, without Telegram: each step is driven by
 * hand and the teasers' outbox jobs are ended by hand, as the worker would end them.
 * Segments, the outbox window, a crash between a teaser's enqueue and its mark, cancel,
 * an item archived midway, and the results (unlocks, revenue).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDropStore } from '../../src/adapters/db/drop-store.js';
import { createOutboxStore } from '../../src/adapters/db/outbox-store.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { createDropEngine, type DropEngine } from '../../src/core/drops/engine.js';
import { dropTeaserKey, type DropTeasers } from '../../src/core/drops/ports.js';
import { plainTeasers } from '../../src/core/drops/teasers.js';
import { revenueText } from '../../src/core/drops/texts.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

const CHAT = -1001234;
const DAY = 86_400_000;

describe('the drop engine', () => {
  let testDb: TestDb;
  let now: Date;
  const templates = loadMessageCatalog();
  // A fresh database per case: the ledger is append-only, and drop ids start at 1.
  beforeEach(async () => {
    testDb = await createMigratedTestDb();
    now = new Date('2026-12-08T12:00:00Z');
  });
  afterEach(async () => testDb?.destroy());

  async function seed(fans: number, row: (i: number) => Record<string, unknown> = () => ({})) {
    const db = testDb.db;
    const [item] = (await db('premium_content')
      .insert({ title: 'Beach set', price_credits: 30, media_kind: 'photo', file_id: 'f1' })
      .returning('id')) as Array<{ id: number } | number>;
    const itemId = Number(typeof item === 'object' ? item.id : item);
    for (let i = 0; i < fans; i++) {
      await db('users').insert({
        id: 1000 + i,
        first_name: `Fan${i}`,
        last_activity_at: now,
        ...row(i),
      });
    }
    return itemId;
  }

  function engine(teasers?: DropTeasers): DropEngine {
    const db = testDb.db;
    const store = createDropStore(db);
    const outbox = createOutboxStore(db);
    return createDropEngine({
      store,
      outbox,
      teasers:
        teasers ??
        plainTeasers({
          outbox,
          item: (id) => store.item(id),
          textsFor: async () => templates.forLanguage('en'),
        }),
      wakeOutbox: () => {},
      texts: templates.forLanguage('en'),
      money: (cents) => `$${(cents / 100).toFixed(2)}`,
      now: () => now,
      window: 3,
      progressEveryMs: 10_000,
    });
  }

  /** The worker's part: ends the teaser jobs still pending (blocked for `blocked` fans). */
  async function deliver(blocked: readonly number[] = []) {
    const db = testDb.db;
    const jobs = (await db('outbox').where({ kind: 'drop.teaser', status: 'pending' })) as Array<{
      id: number;
      chat_id: number | string;
    }>;
    for (const job of jobs) {
      const fan = Number(job.chat_id);
      await db('outbox')
        .where({ id: job.id })
        .update(
          blocked.includes(fan)
            ? { status: 'failed', outcome: 'blocked' }
            : { status: 'sent', outcome: 'delivered', sent_message_id: 7 },
        );
    }
    // The progress message went out too.
    await db('outbox')
      .where({ kind: 'drop.progress', status: 'pending' })
      .update({ status: 'sent', outcome: 'delivered', sent_message_id: 99 });
    return jobs.length;
  }

  const start = (
    drops: DropEngine,
    itemId: number,
    segment: Parameters<DropEngine['audience']>[1],
  ) => drops.start({ itemId, segment, createdBy: 1, chatId: CHAT, threadId: 5 });

  it('reaches each segment: tier (an override wins), spent, active, never bought; never banned fans', async () => {
    const db = testDb.db;
    const itemId = await seed(6, (i) => ({
      tier: i < 2 ? 'vip' : 'new',
      tier_override: i === 2 ? 'vip' : i === 0 ? 'regular' : null,
      total_spent_cents: i * 1000,
      last_activity_at: new Date(now.getTime() - i * DAY),
      is_banned: i === 5,
      is_blocked: i === 4,
    }));
    await db('credit_ledger').insert({
      user_id: 1003,
      kind: 'unlock',
      credits_delta: -30,
      idempotency_key: 'unlock:1003:x',
    });
    await db('content_purchases').insert({
      user_id: 1003,
      content_id: itemId,
      ledger_key: 'unlock:1003:x',
      source: 'credits',
      credits: 30,
    });
    const drops = engine();
    expect(await drops.audience(itemId, { kind: 'all' })).toEqual({ fans: 5, blocked: 1 });
    expect(await drops.audience(itemId, { kind: 'tier', tier: 'vip' })).toEqual({
      fans: 2,
      blocked: 0,
    });
    expect(await drops.audience(itemId, { kind: 'spent', minCents: 3000 })).toEqual({
      fans: 2,
      blocked: 1,
    });
    expect(await drops.audience(itemId, { kind: 'active', days: 2 })).toEqual({
      fans: 3,
      blocked: 0,
    });
    expect(await drops.audience(itemId, { kind: 'not_bought' })).toEqual({ fans: 4, blocked: 1 });
  });

  it('keeps at most the window in the outbox, settles each fan once, then closes with a summary', async () => {
    const itemId = await seed(8, (i) => ({ is_blocked: i === 7 }));
    const drops = engine();
    const started = await start(drops, itemId, { kind: 'all' });
    expect(started.ok).toBe(true);
    await drops.step();
    expect(await testDb.db('outbox').where({ kind: 'drop.teaser' })).toHaveLength(3);
    await drops.step();
    expect(await testDb.db('outbox').where({ kind: 'drop.teaser' })).toHaveLength(3);
    for (let round = 0; round < 6 && (await drops.step()); round++) await deliver([1003]);
    const summary = (await testDb.db('outbox').where({ dedupe_key: 'drop_summary:1' }).first()) as {
      payload: string;
    };
    const text = (JSON.parse(summary.payload) as { params: { text: string } }).params.text;
    expect(text).toContain('✅ Drop #1 finished');
    expect(text).toContain('Sent: 6 · Blocked: 2 · Failed: 0');
    expect(await testDb.db('outbox').where({ kind: 'drop.teaser' })).toHaveLength(7);
    expect(await drops.step()).toBe(false);
  });

  it('a crash between a teaser enqueue and its mark sends it once after the restart', async () => {
    const itemId = await seed(2);
    const db = testDb.db;
    const store = createDropStore(db);
    const outbox = createOutboxStore(db);
    const real = plainTeasers({
      outbox,
      item: (id) => store.item(id),
      textsFor: async () => templates.forLanguage('en'),
    });
    let crash = true;
    const crashing: DropTeasers = {
      async send(fanId, id, key) {
        const jobId = await real.send(fanId, id, key);
        if (crash) {
          crash = false;
          throw new Error('killed');
        }
        return jobId;
      },
    };
    await start(engine(crashing), itemId, { kind: 'all' });
    await expect(engine(crashing).step()).rejects.toThrow('killed');
    // Restarted: the claimed fan's teaser is found by its key, not queued again.
    const restarted = engine(real);
    for (let round = 0; round < 4 && (await restarted.step()); round++) await deliver();
    for (const fan of [1000, 1001]) {
      expect(await db('outbox').where({ kind: 'drop.teaser', chat_id: fan })).toHaveLength(1);
    }
    expect(await db('drop_recipients').where({ status: 'sent' })).toHaveLength(2);
    expect(dropTeaserKey(1, 1000)).toBe('drop:1:1000');
  });

  it('cancel withdraws the teasers not sent yet; the summary says so', async () => {
    const itemId = await seed(8);
    const drops = engine();
    await start(drops, itemId, { kind: 'all' });
    await drops.step();
    await deliver();
    await drops.step();
    expect(await drops.cancel(1)).toBe('cancelled');
    expect(await drops.cancel(1)).toBe('not_running');
    for (let round = 0; round < 3 && (await drops.step()); round++) await deliver();
    const rows = (await testDb.db('drop_recipients').select('status')) as Array<{ status: string }>;
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    expect(count('sent')).toBe(3);
    expect(count('cancelled')).toBe(5);
    const withdrawn = await testDb
      .db('outbox')
      .where({ kind: 'drop.teaser', outcome: 'withdrawn' });
    expect(withdrawn).toHaveLength(3);
    const summary = (await testDb.db('outbox').where({ dedupe_key: 'drop_summary:1' }).first()) as {
      payload: string;
    };
    expect(summary.payload).toContain('Drop #1 cancelled');
  });

  it('an item archived midway stops the drop', async () => {
    const itemId = await seed(6);
    const db = testDb.db;
    const drops = engine({
      async send(fanId) {
        return fanId < 1003
          ? (
              (await db('outbox')
                .insert({
                  kind: 'drop.teaser',
                  chat_id: fanId,
                  lane: String(fanId),
                  payload: '{}',
                  status: 'sent',
                  dedupe_key: `x${fanId}`,
                })
                .returning('id')) as Array<{ id: number } | number>
            ).map((r) => Number(typeof r === 'object' ? r.id : r))[0]!
          : null;
      },
    });
    await start(drops, itemId, { kind: 'all' });
    for (let round = 0; round < 4 && (await drops.step()); round++) await deliver();
    const drop = await db('drops').where({ id: 1 }).first();
    expect(drop.status).toBe('cancelled');
    expect(await db('drop_recipients').where({ status: 'cancelled' })).toHaveLength(3);
  });

  it('reports the unlocks, credits and money of the fans it reached since it started', async () => {
    const itemId = await seed(3);
    const db = testDb.db;
    const drops = engine();
    await start(drops, itemId, { kind: 'all' });
    for (let round = 0; round < 4 && (await drops.step()); round++) await deliver();
    const drop = (await createDropStore(db).get(1))!;
    now = new Date(now.getTime() + 1000);
    await db('credit_ledger').insert({
      user_id: 1001,
      kind: 'unlock',
      credits_delta: -30,
      idempotency_key: 'unlock:1001:1',
    });
    await db('content_purchases').insert({
      user_id: 1001,
      content_id: itemId,
      ledger_key: 'unlock:1001:1',
      source: 'credits',
      credits: 30,
      created_at: new Date(drop.createdAt.getTime() + 1000),
    });
    const [payment] = (await db('transactions')
      .insert({ user_id: 1002, amount_paid_usd_cents: 500, currency: 'usd', status: 'succeeded' })
      .returning('id')) as Array<{ id: number } | number>;
    await db('content_purchases').insert({
      user_id: 1002,
      content_id: itemId,
      source: 'stripe',
      payment_id: Number(typeof payment === 'object' ? payment.id : payment),
      created_at: new Date(drop.createdAt.getTime() + 2000),
    });
    const results = await drops.results(drop);
    expect(results).toEqual({
      unlocked: 2,
      revenueCredits: 30,
      moneyCents: 500,
      currency: 'usd',
      stars: 0,
    });
    expect(revenueText(templates.forLanguage('en'), results)).toBe('30 credits + $5.00');
  });
});
