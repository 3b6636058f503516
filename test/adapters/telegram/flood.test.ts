/**
 * Acceptance: 500 messages from 50 fans while the simulator enforces its flood limits and
 * answers 30% of send calls with 429 (retry_after 1–5 simulated seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/sandbox/telegram/index.js';
import { startHarness, topicTexts, type Harness } from './harness.js';

const TIME_SCALE = 0.004;
const FANS = 50;
const PER_FAN = 10;

/** Messages a successful call put into a chat (copyMessages counts each copy). */
function messagesOf(call: CallRecord): number {
  return Array.isArray(call.result) ? call.result.length : 1;
}

describe('flood: 500 messages from 50 fans under 429s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: TIME_SCALE, tuning: { concurrency: 16 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  // Its own wait (150 s) decides, not the suite's 60 s default.
  it(
    'delivers every message once, in order, to the right topic, within the group limit',
    { timeout: 180_000 },
    async () => {
      const { sim, adminChatId } = h;
      const fans = Array.from({ length: FANS }, (_, i) =>
        sim.control.createUser({
          first_name: `Fan${String(i).padStart(2, '0')}`,
          username: `fan_${i}`,
        }),
      );
      const start = Date.now();
      sim.control.setRandomFaults({
        rate: 0.3,
        seed: 42,
        faults: ['rate_limit'],
        retryAfter: [1, 5],
      });
      for (let i = 0; i < PER_FAN; i++) {
        for (const [n, fan] of fans.entries())
          sim.control.fanSendsText(fan.id, `fan ${n} message ${i}`);
      }
      const expectedTotal = FANS * PER_FAN;
      const delivered = () =>
        sim.control
          .messages(adminChatId)
          .filter((m) => !m.fromBot || m.kind !== 'service')
          .filter((m) => m.text?.startsWith('fan ')).length;
      await sim.control.waitFor(() => delivered() >= expectedTotal, 150_000, 'all 500 relays');
      // Let any straggler (a duplicate would show up now) arrive before checking.
      await new Promise((resolve) => setTimeout(resolve, 300));
      sim.control.setRandomFaults(null);

      const topics = sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Fan'));
      expect(topics).toHaveLength(FANS);
      for (const [n, fan] of fans.entries()) {
        const topic = topics.find((t) => t.name.startsWith(fan.first_name));
        expect(topic, `topic of fan ${n}`).toBeDefined();
        expect(topicTexts(sim, adminChatId, topic!.threadId)).toEqual(
          Array.from({ length: PER_FAN }, (_, i) => `fan ${n} message ${i}`),
        );
      }
      expect(delivered()).toBe(expectedTotal);
      expect(sim.control.violations()).toEqual([]);

      const groupCalls = sim.control
        .calls()
        .filter((c) => String(c.params.chat_id) === String(adminChatId));
      const injected = groupCalls.filter((c) => c.fault === 'rate_limit');
      expect(injected.length).toBeGreaterThan(20);
      // No 429 came from the simulator's own limiter: the bot paced itself.
      const limiterRefusals = groupCalls.filter(
        (c) => c.error?.error_code === 429 && c.fault === undefined,
      );
      expect(limiterRefusals).toEqual([]);

      // Never more than 20 messages in any 60 simulated seconds (checked at every send).
      const sends = groupCalls
        .filter((c) => c.outcome === 'ok' && c.method !== 'getChat')
        .map((c) => ({ t: (c.time - start) / TIME_SCALE, n: messagesOf(c) }));
      let worst = 0;
      for (const send of sends) {
        const inWindow = sends
          .filter((s) => s.t > send.t - 60_000 && s.t <= send.t)
          .reduce((sum, s) => sum + s.n, 0);
        worst = Math.max(worst, inWindow);
      }
      expect(worst).toBeLessThanOrEqual(20);

      const depth = await h.runtime.outbox.depth();
      expect(depth.pending + depth.sending + depth.failed + depth.dead).toBe(0);
    },
  );
});
