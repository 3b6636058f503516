/**
 * `GET /_sim/stream` on either simulator: server-sent events, one `change` event after the
 * simulator's state changed (changes within `coalesceMs` make one event), so a page re-reads
 * what it shows when something happened instead of polling. The clock stream uses it too,
 * with its own event name and data.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** Registers a listener called on every change; returns the unsubscribe function. */
  subscribe: (listener: () => void) => () => void;
  /** Extra headers (CORS) for the answer. */
  headers?: Record<string, string>;
  /** Changes within this many ms make one event (default 40; 0: one event per change, at once). */
  coalesceMs?: number;
  heartbeatMs?: number;
  /** The event's name (default `change`). */
  event?: string;
  /** The event's data (default `{ seq }`, a counter of events sent). */
  data?: () => unknown;
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
  const event = options.event ?? 'change';
  const write = () => {
    seq += 1;
    const data = options.data ? options.data() : { seq };
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  // A first event at once: the client reads the state it connected to.
  res.write('retry: 1000\n\n');
  write();
  let pending: NodeJS.Timeout | undefined;
  const coalesceMs = options.coalesceMs ?? 40;
  const unsubscribe = options.subscribe(() => {
    if (coalesceMs === 0) return write();
    pending ??= setTimeout(() => {
      pending = undefined;
      write();
    }, coalesceMs);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  req.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
    if (pending) clearTimeout(pending);
  });
}
