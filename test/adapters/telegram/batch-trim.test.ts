/**
 * Issue 20, "pack every window": a fan's batch is sized before the group budget is taken,
 * and other lane heads may take budget in between. The batch is then trimmed to what is
 * left when it is taken, and the rest goes back to the queue — never a claim held for a
 * window while units of the budget go unused.
 *
 * The group's shared log is filled to 14 of 20 before the worker starts; two fans have 5
 * plain texts each queued. Both heads are claimed in one round and both batches are sized
 * to the 6 units free; the first takes 5, the second must go with the 1 left instead of
 * waiting for the window to free 5.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { windowRules, DEFAULT_TRAFFIC_LIMITS } from '../../../src/core/traffic/limits.js';
import { startHarness, type Harness } from './harness.js';

/** A simulated minute in 12 s: the window outlasts a slow round on a loaded machine. */
const TIME_SCALE = 0.2;
const GROUP_PER_MINUTE = 20;
const PREFILLED = 14;
const PER_FAN = 5;

/** Copies into the group sent by successful calls (a copyMessages counts its copies). */
function groupCopies(h: Harness): { time: number; n: number }[] {
  return h.sim.control
    .calls()
    .filter(
      (c) =>
        c.params.chat_id === h.adminChatId &&
        c.outcome === 'ok' &&
        (c.method === 'copyMessage' || c.method === 'copyMessages'),
    )
    .map((c) => ({ time: c.time, n: Array.isArray(c.result) ? c.result.length : 1 }));
}

describe('batches trimmed to the budget left when it is taken', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it(
    'a second fan goes with the units left instead of waiting a window for its whole batch',
    {
      timeout: 120_000,
    },
    async () => {
      h = await startHarness({ timeScale: TIME_SCALE, mode: 'none' });
      const { sim, adminChatId } = h;
      const fans = [
        sim.control.createUser({ first_name: 'Ada' }),
        sim.control.createUser({ first_name: 'Bea' }),
      ];
      const jobs: NewOutboxJob[] = fans.flatMap((fan) =>
        Array.from({ length: PER_FAN }, (_, i) => {
          const message = sim.control.fanSendsText(fan.id, `trim ${fan.id} ${i}`);
          return {
            kind: 'relay.fan',
            target: { type: 'chat' as const, chatId: adminChatId },
            lane: `${adminChatId}:trim:${fan.id}`,
            method: 'copyMessage',
            params: { from_chat_id: fan.id, message_id: message.message_id },
            dedupeKey: `trim:${fan.id}:${i}`,
          };
        }),
      );
      await createOutboxStore(h.testDb.db).enqueue(jobs);
      // Someone (another instance, a moment ago) sent 14 of the window's 20.
      const filledAt = Date.now();
      const sends = Array.from({ length: PREFILLED }, (_, i) => [`other:${i}`, filledAt, 0]);
      await h.testDb
        .db('rate_windows')
        .insert({ chat_id: adminChatId, sends: JSON.stringify(sends) })
        .onConflict('chat_id')
        .merge();
      await h.runtime.worker.start();

      await sim.control.waitFor(
        () => groupCopies(h!).reduce((sum, c) => sum + c.n, 0) >= 2 * PER_FAN,
        60_000,
        'every copy',
      );
      const windowMs = windowRules({ ...DEFAULT_TRAFFIC_LIMITS, timeScale: TIME_SCALE }).group
        .windowMs;
      // Until the prefilled sends leave the window, its 6 free units all went to the fans.
      const inFirstWindow = groupCopies(h)
        .filter((c) => c.time < filledAt + windowMs)
        .reduce((sum, c) => sum + c.n, 0);
      expect(inFirstWindow).toBe(GROUP_PER_MINUTE - PREFILLED);
      const refused = sim.control
        .calls()
        .filter((c) => c.params.chat_id === adminChatId && c.error?.error_code === 429);
      expect(refused).toEqual([]);
    },
  );
});
