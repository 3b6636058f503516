/**
 * An idle outbox worker sleeps: it looks at the database only when woken (an enqueue here,
 * a NOTIFY from another instance on Postgres) or when its safety-net poll comes round — and
 * work that arrives is still sent at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialect } from '../../helpers/db.js';
import { startHarness, topicTexts, type Harness } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`an idle outbox worker on ${testDialect}`, () => {
  let h: Harness;
  let other: Harness | undefined;
  beforeAll(async () => {
    // Shipped idle poll (5 s) on one side; the other instance only enqueues.
    h = await startHarness({ timeScale: 0.01, tuning: { idlePollMs: 5_000 } });
  });
  afterAll(async () => {
    await other?.close();
    await h?.close();
  });

  it('makes no claim rounds while nothing happens, and sends a new message at once', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Quinn' });
    sim.control.fanSendsText(fan.id, 'first');
    const topic = await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.name.startsWith('Quinn')),
      10_000,
      'topic',
    );
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).length === 1,
      10_000,
      'relay',
    );
    await sleep(1_000); // card edits and receipts settle

    const outbox = h.runtime.outbox;
    const claim = outbox.claim.bind(outbox);
    let rounds = 0;
    outbox.claim = (request) => {
      rounds++;
      return claim(request);
    };
    await sleep(2_000);
    // Today's worker polled every 250 ms, and every 1 ms while the group had budget.
    expect(rounds).toBeLessThanOrEqual(2);

    sim.control.fanSendsText(fan.id, 'second');
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).length === 2,
      2_000, // well under the 5 s idle poll: the enqueue woke the worker
      'relay after the quiet',
    );
  });

  it('sends a job another process queued without waiting for the idle poll (Postgres NOTIFY) or at the next poll (SQLite: one instance)', async () => {
    other = await startHarness({
      sim: h.sim,
      testDb: h.testDb,
      admin: { chatId: h.adminChatId, ownerId: h.ownerId },
      mode: 'none', // builds everything, starts no worker: it only enqueues
    });
    const fan = h.sim.control.createUser({ first_name: 'Remy' });
    h.sim.control.fanSendsText(fan.id, '/start'); // the fan's private chat exists
    await sleep(500);
    const before = h.sim.control.messages(fan.id).length;
    await other.runtime.outbox.enqueue([
      {
        kind: 'notice.fan',
        target: { type: 'chat', chatId: fan.id },
        method: 'sendMessage',
        params: { text: 'queued by another process' },
        fanId: fan.id,
        dedupeKey: `idle-test:${fan.id}`,
      },
    ]);
    await h.sim.control.waitFor(
      () => h.sim.control.messages(fan.id).some((m) => m.text === 'queued by another process'),
      testDialect === 'postgres' ? 2_000 : 8_000,
      'the job of the other process',
    );
    expect(h.sim.control.messages(fan.id).length).toBeGreaterThan(before);
  });
});
