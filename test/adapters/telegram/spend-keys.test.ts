/**
 * Issue 12 item 9: spends are keyed by the fan's chat and message id, not by the update id.
 * Telegram restarts update ids after a quiet week, so an id seen before (and pruned from
 * the processed-updates table) can come back on another fan's message; that message must be
 * charged and relayed like any other. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { grantCredits, relayed, seedProducts, startFanHarness, topicOf } from './fan-harness.js';

describe('spend keys that cannot collide', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('a message whose update id was used before (after the retention) is charged and relayed', async () => {
    const { sim, adminChatId, testDb, runtime } = h;
    const first = sim.control.createUser({ first_name: 'Earlyfan' });
    const later = sim.control.createUser({ first_name: 'Laterfan' });
    await grantCredits(h, first, 10, 'grant:cs_early');
    await grantCredits(h, later, 10, 'grant:cs_later');

    const reused = 700_000_001;
    sim.control.restartUpdateIds(reused);
    sim.control.fanSendsText(first.id, 'before the quiet week');
    const firstTopic = await topicOf(sim, adminChatId, 'Earlyfan');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, firstTopic.threadId).length === 1,
      15_000,
      'first relay',
    );
    // The processed-ids retention ran; then Telegram restarted its ids.
    await runtime.updates.prune(new Date(Date.now() + 60_000));
    sim.control.restartUpdateIds(reused);
    sim.control.fanSendsText(later.id, 'after the quiet week');

    const laterTopic = await topicOf(sim, adminChatId, 'Laterfan');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, laterTopic.threadId).length === 1,
      15_000,
      'relay of the message with the reused update id',
    );
    expect(relayed(sim, adminChatId, laterTopic.threadId).map((m) => m.text)).toEqual([
      'after the quiet week',
    ]);
    expect(sim.control.updates().filter((u) => u.update.update_id === reused)).toHaveLength(2);
    expect((await runtime.ledger.balance(first.id)).credits).toBe(9);
    expect((await runtime.ledger.balance(later.id)).credits).toBe(9);
    const spends = (await testDb
      .db('credit_ledger')
      .where({ kind: 'spend' })
      .whereIn('user_id', [first.id, later.id])
      .orderBy('id')
      .select('user_id', 'idempotency_key')) as Array<{ user_id: number; idempotency_key: string }>;
    expect(spends.map((s) => [Number(s.user_id), s.idempotency_key.split(':')[1]])).toEqual([
      [first.id, String(first.id)],
      [later.id, String(later.id)],
    ]);
  });
});
