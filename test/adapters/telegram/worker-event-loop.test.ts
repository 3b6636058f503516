/**
 * Issue 17: the outbox worker never holds the event loop. On SQLite every statement is
 * synchronous, so a round whose claimed jobs settle without a Bot API call (a fan who blocked
 * the bot, background work that yields to relays) resolves in microtasks only; rounds that
 * followed one another that way starved the webhooks, the timers and the answers of the
 * calls in flight — under load the bench's servers stopped for good (background card edits
 * put back and claimed again while the relays they waited for could never be answered).
 *
 * Counted, not timed: how many claimed jobs settled before one event-loop turn came round.
 * On Postgres each statement is I/O, so the loop turns anyway; the test runs there too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import {
  BACKGROUND_RETRY_MIN_MS,
  backgroundRetryMs,
} from '../../../src/adapters/telegram/outbox/claims.js';
import { PRIORITY } from '../../../src/core/traffic/outbox.js';
import { startHarness, type Harness } from './harness.js';

const FANS = 200;

async function settled(h: Harness): Promise<number> {
  const row = (await h.testDb
    .db('outbox')
    .where({ kind: 'notice.fan' })
    .whereNot('status', 'pending')
    .whereNot('status', 'sending')
    .count({ n: '*' })
    .first()) as { n: number | string };
  return Number(row.n);
}

describe('the outbox worker and the event loop', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('lets the event loop turn between rounds whose jobs settle without a call', async () => {
    h = await startHarness({ timeScale: 0.00001 });
    await h.runtime.worker.stop();
    const { db } = h.testDb;
    // Fans who blocked the bot: each job ends `failed` (blocked) without a Bot API call.
    const fans = Array.from({ length: FANS }, (_, i) => 900_000_000 + i);
    for (let i = 0; i < fans.length; i += 100) {
      await db('users').insert(
        fans.slice(i, i + 100).map((id) => ({ id, first_name: `Fan ${id}`, is_blocked: true })),
      );
    }
    await createOutboxStore(db).enqueue(
      fans.map((fanId) => ({
        kind: 'notice.fan',
        target: { type: 'chat' as const, chatId: fanId },
        method: 'sendMessage',
        params: { text: 'your credits are low' },
        priority: PRIORITY.note,
        fanId,
      })),
    );
    await h.runtime.worker.start();
    // One turn of the event loop, asked for as soon as the worker started.
    await new Promise((resolve) => setImmediate(resolve));
    const beforeTurn = await settled(h);
    // A round claims at most the worker's concurrency (16 by default) per kind of chat.
    expect(beforeTurn).toBeLessThan(FANS / 2);
    // …and the worker still gets through all of them.
    const deadline = Date.now() + 60_000;
    while ((await settled(h)) < FANS) {
      if (Date.now() > deadline) throw new Error(`only ${await settled(h)} of ${FANS} settled`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('background work that yields to relays waits at least 100 ms, however short the window', () => {
    expect(backgroundRetryMs(600_000 * 0.00001)).toBe(BACKGROUND_RETRY_MIN_MS);
    expect(backgroundRetryMs(60_000)).toBe(5_000);
  });
});
