/**
 * `GET /_sim/stream` on either simulator: server-sent events, one `change` event after the
 * simulator's state changed (changes within `coalesceMs` make one event), so a page re-reads
 * what it shows when something happened instead of polling.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** Registers a listener called on every change; returns the unsubscribe function. */
  subscribe: (listener: () => void) => () => void;
  /** Extra headers (CORS) for the answer. */
  headers?: Record<string, string>;
  coalesceMs?: number;
  heartbeatMs?: number;
}

/** Answers `req` with an endless `text/event-stream` until the client goes away. */
export function serveEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: EventStreamOptions,
): void {
  res.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  let seq = 0;
  const write = () => {
    seq += 1;
    res.write(`event: change\ndata: ${JSON.stringify({ seq })}\n\n`);
  };
  // A first event at once: the client reads the state it connected to.
  res.write('retry: 1000\n\n');
  write();
  let pending: NodeJS.Timeout | undefined;
  const unsubscribe = options.subscribe(() => {
    pending ??= setTimeout(() => {
      pending = undefined;
      write();
    }, options.coalesceMs ?? 40);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  req.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
  });
}
