/**
 * Acceptance: two outbox workers (two instances, each with its own pool) on one Postgres
 * never send the same job twice (10,000 jobs). SQLite is single-instance by design, so on
 * SQLite the same 10,000 jobs run through one instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { testDialect } from '../../helpers/db.js';
import { startHarness, type Harness } from './harness.js';

const JOBS = 10_000;
const FANS = 400;
const TIME_SCALE = 0.0001;

const title =
  testDialect === 'postgres'
    ? 'two workers on one Postgres send each of 10,000 jobs exactly once'
    : 'SQLite (single instance): one worker sends each of 10,000 jobs exactly once';

describe('outbox claiming', () => {
  const harnesses: Harness[] = [];
  let secondPool: Db | undefined;
  beforeAll(async () => {
    const first = await startHarness({
      timeScale: TIME_SCALE,
      rateLimits: false,
      mode: 'none',
      tuning: { concurrency: 16 },
      poolMax: 8,
    });
    harnesses.push(first);
    if (testDialect === 'postgres') {
      secondPool = createDb(first.testDb.url, { poolMax: 8 });
      harnesses.push(
        await startHarness({
          timeScale: TIME_SCALE,
          mode: 'none',
          sim: first.sim,
          admin: { chatId: first.adminChatId, ownerId: first.ownerId },
          testDb: { ...first.testDb, db: secondPool, destroy: async () => {} },
          tuning: { concurrency: 16 },
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    for (const h of [...harnesses].reverse()) await h.close();
    await secondPool?.destroy();
  });

  it(title, { timeout: 200_000 }, async () => {
    const [first] = harnesses;
    const { sim, testDb } = first!;
    const fans = Array.from({ length: FANS }, (_, i) =>
      sim.control.createUser({ first_name: `W${i}` }),
    );
    for (const fan of fans) sim.control.fanSendsText(fan.id, '/start');
    const jobs: NewOutboxJob[] = Array.from({ length: JOBS }, (_, i) => ({
      kind: 'notice.fan',
      target: { type: 'chat', chatId: fans[i % FANS]!.id },
      method: 'sendMessage',
      params: { text: `job ${i}` },
      dedupeKey: `bench:${i}`,
    }));
    const store = createOutboxStore(testDb.db);
    for (let i = 0; i < JOBS; i += 500) {
      await testDb.db.transaction((trx) => store.enqueueIn(trx, jobs.slice(i, i + 500)));
    }
    for (const h of harnesses) await h.runtime.worker.start();

    const deadline = Date.now() + 150_000;
    for (;;) {
      const depth = await first!.runtime.outbox.depth();
      if (depth.sent === JOBS) break;
      if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(depth)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const calls = sim.control
      .calls({ method: 'sendMessage' })
      .filter((c) => /^job \d+$/.test(String(c.params.text)));
    const texts = calls.map((c) => String(c.params.text));
    expect(texts).toHaveLength(JOBS);
    expect(new Set(texts).size).toBe(JOBS);
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
    // Per-chat order is kept across workers.
    for (const fan of fans.slice(0, 20)) {
      const order = calls
        .filter((c) => c.params.chat_id === fan.id)
        .map((c) => Number(String(c.params.text).slice(4)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    if (harnesses.length === 2) {
      // Both instances took part.
      expect(harnesses.every((h) => h.runtime.metrics.sends.get({ result: 'ok' }) > 0)).toBe(true);
    }
  });
});
