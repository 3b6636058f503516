/**
 * Issue 12 item 2, at the store: closing undelivered relays refunds each spend once
 * (`relay_refund:<spend key>`), even when the same jobs are closed again or concurrently
 * (a retry, a second worker), with one notice per fan for the whole album; free relays
 * refund nothing. SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerStore, type DbLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { createUndeliveredStore } from '../../../src/adapters/db/outbox/undelivered.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import { ledgerKeys } from '../../../src/core/ledger.js';
import { createUndeliveredHandler } from '../../../src/core/relay/undelivered.js';
import type { NewOutboxJob, OutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const ADMIN_CHAT = -100_777;

describe('closing undelivered relays', () => {
  let t: TestDb;
  let ledger: DbLedgerStore;
  let outbox: DbOutboxStore;
  let close: ReturnType<typeof createUndeliveredHandler>;
  let nextFan = 2_000_000_000;

  beforeAll(async () => {
    t = await createMigratedTestDb();
    ledger = createLedgerStore(t.db);
    outbox = createOutboxStore(t.db);
    close = createUndeliveredHandler({
      store: createUndeliveredStore(t.db, { ledger }),
      templates: loadMessageCatalog(),
      adminChatId: ADMIN_CHAT,
      adminLanguage: 'en',
      wake: () => {},
    });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** A fan with `credits`, who paid `costs[i]` for message 100+i; their relay jobs, claimed. */
  async function paidRelays(credits: number, costs: number[]): Promise<[number, OutboxJob[]]> {
    const fanId = (nextFan += 1);
    await ledger.ensureUser({ id: fanId, firstName: 'Fan', languageCode: 'en' });
    await ledger.grantCredits(fanId, credits, `seed:${fanId}`, { kind: 'gift' });
    const jobs: NewOutboxJob[] = [];
    for (const [i, cost] of costs.entries()) {
      const spendKey = ledgerKeys.messageSpend(fanId, 100 + i);
      if (cost > 0) await ledger.spendCredits(fanId, cost, spendKey);
      jobs.push({
        kind: 'relay.fan',
        target: { type: 'topic', chatId: ADMIN_CHAT, fanId },
        method: 'copyMessage',
        params: { from_chat_id: fanId, message_id: 100 + i },
        fanId,
        dedupeKey: `relay:fan:${fanId}:${100 + i}`,
        ...(cost > 0 ? { spendKey } : {}),
      });
    }
    const ids = await outbox.enqueue(jobs);
    const stored = await Promise.all(ids.map((id) => outbox.get(id)));
    return [fanId, stored.map((j) => j!)];
  }

  const notices = (fanId: number) =>
    t.db('outbox').where({ kind: 'notice.fan', chat_id: fanId }).select('payload');

  it('an album dropped by one call: each spend back once, one notice, even closed again and concurrently', async () => {
    const [fanId, jobs] = await paidRelays(20, [3, 3, 3]);
    expect((await ledger.balance(fanId)).credits).toBe(11);
    const dropped = { status: 'failed', outcome: 'dropped', error: 'telegram 400' } as const;
    const first = await close(jobs, dropped);
    expect(first.refunded.get(fanId)).toBe(9);
    await close(jobs, dropped);
    await Promise.all([close(jobs, dropped), close(jobs, dropped)]);
    expect((await ledger.balance(fanId)).credits).toBe(20);
    expect((await ledger.sumLedger(fanId)).credits).toBe(20);
    const refunds = await t.db('credit_ledger').where({ user_id: fanId, kind: 'relay_refund' });
    expect(refunds.map((r: { idempotency_key: string }) => r.idempotency_key).sort()).toEqual(
      [100, 101, 102].map((m) => `relay_refund:spend:${fanId}:${m}`),
    );
    const sent = await notices(fanId);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].payload).params.text).toContain('9 credits returned');
    const closed = await Promise.all(jobs.map((j) => outbox.get(j.id)));
    expect(closed.map((j) => [j!.status, j!.outcome])).toEqual(
      jobs.map(() => ['failed', 'dropped']),
    );
  });

  it('given up (dead) and bot removed (blocked) refund; free relays and uncertain ones do not', async () => {
    const [deadFan, deadJobs] = await paidRelays(10, [5]);
    await close(deadJobs, { status: 'dead', outcome: 'gave_up', error: 'telegram 502' });
    expect((await ledger.balance(deadFan)).credits).toBe(10);

    const [kickedFan, kickedJobs] = await paidRelays(10, [1]);
    await close(kickedJobs, { status: 'failed', outcome: 'blocked', error: 'bot was kicked' });
    expect((await ledger.balance(kickedFan)).credits).toBe(10);

    const [freeFan, freeJobs] = await paidRelays(10, [0, 0]);
    await close(freeJobs, { status: 'failed', outcome: 'dropped', error: 'telegram 400' });
    expect((await ledger.balance(freeFan)).credits).toBe(10);
    expect(await notices(freeFan)).toHaveLength(0);

    const [maybeFan, maybeJobs] = await paidRelays(10, [2]);
    const result = await close(maybeJobs, {
      status: 'failed',
      outcome: 'uncertain',
      error: 'network: timeout',
    });
    expect(result.offered).toBe(1);
    expect((await ledger.balance(maybeFan)).credits).toBe(8);
    expect(await notices(maybeFan)).toHaveLength(0);
    const offer = await t.db('outbox').where({ kind: 'notice.topic', fan_id: maybeFan }).first();
    expect(JSON.parse(offer.payload).params.reply_markup.inline_keyboard[0][0].callback_data).toBe(
      `resend:${maybeJobs[0]!.id}:${maybeJobs[0]!.id}`,
    );
  });
});
