/**
 * Acceptance (issue 20): the admin group's budget is one for every instance and outlives a
 * process. Two instances on one Postgres send 300 messages into one group with no 429 and no
 * 60-s window above the planned rate; a process started right after another one stopped
 * knows what was sent in the last minute (SQLite and Postgres).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { testDialect } from '../../helpers/db.js';
import { groupTraffic } from './group-traffic.js';
import { startHarness, type Harness } from './harness.js';

/**
 * A minute in 1.2 s. An open send counts for two windows at most (then its process is taken
 * for dead): in production that is 126 s, far above the Bot API client's 15 s timeout; here
 * it must stay above what a call can take on a loaded test machine.
 */
const TIME_SCALE = 0.02;
/** Slower for the restart: the window outlasts the start of a new runtime. */
const RESTART_TIME_SCALE = 0.05;
const GROUP_PER_MINUTE = 20;

/** `count` messages into the admin group, on `lanes` lanes (so several go out at once). */
function groupJobs(chatId: number, count: number, lanes: number, tag: string): NewOutboxJob[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'relay.fan',
    target: { type: 'chat', chatId },
    lane: `${chatId}:bench:${i % lanes}`,
    method: 'sendMessage',
    params: { text: `${tag} ${i}` },
    dedupeKey: `${tag}:${i}`,
  }));
}

async function waitSent(h: Harness, texts: number, tag: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sent = h.sim.control
      .calls({ method: 'sendMessage' })
      .filter((c) => c.outcome === 'ok' && String(c.params.text).startsWith(`${tag} `)).length;
    if (sent >= texts) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${sent} of ${texts} sent`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the admin group budget', () => {
  const harnesses: Harness[] = [];
  const pools: Db[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0).reverse()) await h.close();
    for (const pool of pools.splice(0)) await pool.destroy();
  });

  /** Postgres serves several instances as one; SQLite is single-instance (DESIGN §6). */
  const instances = testDialect === 'postgres' ? 2 : 1;

  it(
    `${instances === 2 ? 'two instances on one Postgres share it' : 'one instance on SQLite keeps it'}: 300 messages, no 429, no window above the plan`,
    { timeout: 120_000 },
    async () => {
      const first = await startHarness({ timeScale: TIME_SCALE, mode: 'none' });
      harnesses.push(first);
      if (instances === 2) {
        const secondPool = createDb(first.testDb.url, { poolMax: 4 });
        pools.push(secondPool);
        harnesses.push(
          await startHarness({
            timeScale: TIME_SCALE,
            mode: 'none',
            sim: first.sim,
            admin: { chatId: first.adminChatId, ownerId: first.ownerId },
            testDb: { ...first.testDb, db: secondPool, destroy: async () => {} },
          }),
        );
      }
      const store = createOutboxStore(first.testDb.db);
      await store.enqueue(groupJobs(first.adminChatId, 300, 30, 'shared'));
      for (const h of harnesses) await h.runtime.worker.start();
      await waitSent(first, 300, 'shared', 100_000);

      const traffic = groupTraffic(first.sim.control.calls(), first.adminChatId, TIME_SCALE);
      expect(traffic).toEqual({ ok: 300, busiest: expect.any(Number), tooMany: 0 });
      expect(traffic.busiest).toBeLessThanOrEqual(GROUP_PER_MINUTE);
      // Every instance sent into the group.
      for (const h of harnesses)
        expect(h.runtime.metrics.sends.get({ result: 'ok' })).toBeGreaterThan(0);
    },
  );

  it('a process started right after another stopped knows what was sent in the last minute', async () => {
    const first = await startHarness({ timeScale: RESTART_TIME_SCALE, mode: 'none' });
    harnesses.push(first);
    const store = createOutboxStore(first.testDb.db);
    await store.enqueue(groupJobs(first.adminChatId, GROUP_PER_MINUTE, 5, 'before'));
    await first.runtime.worker.start();
    await waitSent(first, GROUP_PER_MINUTE, 'before', 30_000);
    await first.stopRuntime();

    const second = await startHarness({
      timeScale: RESTART_TIME_SCALE,
      mode: 'none',
      sim: first.sim,
      admin: { chatId: first.adminChatId, ownerId: first.ownerId },
      testDb: { ...first.testDb, destroy: async () => {} },
    });
    harnesses.push(second);
    await store.enqueue(groupJobs(first.adminChatId, 10, 5, 'after'));
    await second.runtime.worker.start();
    await waitSent(second, 10, 'after', 30_000);

    const traffic = groupTraffic(first.sim.control.calls(), first.adminChatId, RESTART_TIME_SCALE);
    expect(traffic.tooMany).toBe(0);
    expect(traffic.ok).toBe(GROUP_PER_MINUTE + 10);
    expect(traffic.busiest).toBeLessThanOrEqual(GROUP_PER_MINUTE);
  });
});
