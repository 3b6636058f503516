/**
 * `GET /_sim/clock/stream` on the Stripe simulator: server-sent events telling how far the
 * sandbox's clock is ahead of real time, once at connection and after every advance. A
 * `premiumbot serve` pointed at the sandbox (SANDBOX_CLOCK_URL) follows it, so the page's
 * clock control moves the product's time too (pass ends, response-time alerts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const write = () =>
    res.write(
      `event: clock\ndata: ${JSON.stringify({ offsetMs: clock.offsetMs(), nowMs: clock.nowMs() })}\n\n`,
    );
  res.write('retry: 1000\n\n');
  write();
  const unsubscribe = clock.onAdvance(write);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
  heartbeat.unref();
  req.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
  });
}
