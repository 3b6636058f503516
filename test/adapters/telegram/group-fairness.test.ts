/**
 * Acceptance (issue 20, fairness): one fan flooding the admin group's lane with 600 queued
 * messages does not starve the others. Ten other fans write while the flood drains; their
 * messages reach their topics within their share of the budget: while they wait, the
 * flooding fan gets at most what is left of two windows once every other fan had one slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { startHarness, topicTexts, type Harness } from './harness.js';

const TIME_SCALE = 0.02;
const FLOOD = 600;
const OTHERS = 10;
const GROUP_PER_MINUTE = 20;

/** Messages with `prefix` in the admin group, each with when it arrived (call time). */
function arrivals(sim: TelegramSimulator, chatId: number, prefix: string): number {
  return sim.control.messages(chatId).filter((m) => m.text?.startsWith(prefix)).length;
}

describe('fairness in the admin group', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: TIME_SCALE, tuning: { concurrency: 16 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'a fan with 600 queued messages does not hold back 10 others',
    { timeout: 120_000 },
    async () => {
      const { sim, adminChatId } = h;
      const flooder = sim.control.createUser({ first_name: 'Flooder' });
      const others = Array.from({ length: OTHERS }, (_, i) =>
        sim.control.createUser({ first_name: `Other${i}` }),
      );
      // Everyone has a topic first.
      for (const fan of [flooder, ...others]) sim.control.fanSendsText(fan.id, `hi from ${fan.id}`);
      await sim.control.waitFor(
        () => arrivals(sim, adminChatId, 'hi from ') === OTHERS + 1,
        60_000,
        'every topic',
      );
      // The flood is queued whole while the worker is stopped, then drains.
      await h.runtime.worker.stop();
      for (let i = 0; i < FLOOD; i++) sim.control.fanSendsText(flooder.id, `flood ${i}`);
      // The whole flood is queued (the webhook took every update) and draining.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const row = (await h.testDb
          .db('outbox')
          .where({ kind: 'relay.fan', fan_id: flooder.id })
          .count({ n: '*' })
          .first()) as { n: number | string };
        if (Number(row.n) >= FLOOD + 1) break;
        if (Date.now() > deadline) throw new Error(`only ${row.n} of the flood queued`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await h.runtime.worker.start();
      await sim.control.waitFor(
        () => arrivals(sim, adminChatId, 'flood ') > 0,
        60_000,
        'the flood draining',
      );
      const floodBefore = arrivals(sim, adminChatId, 'flood ');
      for (const [i, fan] of others.entries())
        sim.control.fanSendsText(fan.id, `other ${i} writes`);
      await sim.control.waitFor(
        () => arrivals(sim, adminChatId, 'other ') === OTHERS,
        60_000,
        "the others' messages",
      );
      const floodMeanwhile = arrivals(sim, adminChatId, 'flood ') - floodBefore;
      // Two windows of budget, less one slot for each other fan.
      expect(floodMeanwhile).toBeLessThanOrEqual(2 * GROUP_PER_MINUTE - OTHERS);
      expect(floodBefore + floodMeanwhile).toBeLessThan(FLOOD);
      for (const [i, fan] of others.entries()) {
        const topic = sim.control
          .topics(adminChatId)
          .find((t) => t.name.startsWith(fan.first_name))!;
        expect(topicTexts(sim, adminChatId, topic.threadId)).toContain(`other ${i} writes`);
      }
      const refused = sim.control
        .calls()
        .filter((c) => c.params.chat_id === adminChatId && c.error?.error_code === 429);
      expect(refused).toEqual([]);
    },
  );
});
