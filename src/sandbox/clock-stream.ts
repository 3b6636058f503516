/**
 * `GET /_sim/clock/stream` on the Stripe simulator: server-sent events telling how far the
 * sandbox's clock is ahead of real time, once at connection and after every advance. A
 * `premiumbot serve` pointed at the sandbox (SANDBOX_CLOCK_URL) follows it, so the page's
 * clock control moves the product's time too (pass ends, response-time alerts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveEventStream } from './event-stream.js';

/** What the stream reads of a clock. */
export interface StreamedClock {
  nowMs(): number;
  offsetMs(): number;
  onAdvance(listener: () => void): () => void;
}

/** One `clock` event: `{ offsetMs, nowMs }` (offsetMs is what a follower adds to real time). */
export function serveClockStream(
  req: IncomingMessage,
  res: ServerResponse,
  clock: StreamedClock,
  heartbeatMs = 15_000,
): void {
  serveEventStream(req, res, {
    event: 'clock',
    data: () => ({ offsetMs: clock.offsetMs(), nowMs: clock.nowMs() }),
    subscribe: (listener) => clock.onAdvance(listener),
    coalesceMs: 0,
    heartbeatMs,
  });
}
