/** What a test saw go into an admin group, measured against Telegram's 60-s window. */
import type { CallRecord } from '../../../src/sandbox/telegram/engine.js';

/**
 * The successful calls into `chatId`, the busiest 60-s window of them (the window scaled by
 * the simulator's `timeScale`: real ms = simulated ms × timeScale) and the calls answered 429.
 */
export function groupTraffic(calls: readonly CallRecord[], chatId: number, timeScale: number) {
  const windowMs = 60_000 * timeScale;
  const group = calls.filter((c) => c.params.chat_id === chatId);
  const ok = group
    .filter((c) => c.outcome === 'ok')
    .map((c) => c.time)
    .sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, start = 0; i < ok.length; i++) {
    while (ok[start]! <= ok[i]! - windowMs) start++;
    busiest = Math.max(busiest, i - start + 1);
  }
  const tooMany = group.filter((c) => c.error?.error_code === 429).length;
  return { ok: ok.length, busiest, tooMany };
}
