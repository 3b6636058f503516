/**
 * `serve` pointed at the sandbox (SANDBOX_CLOCK_URL, written by `premiumbot sandbox`): the
 * product's clock follows the simulators' clock, read from its `/_sim/clock/stream` events,
 * so the sandbox page's clock control ends passes and fires response-time alerts. Each move
 * also calls `onAdvance` (serve runs the time-driven jobs at once instead of at the next
 * minute). Never used in production: the setting only accepts a loopback address.
 */
import { offsetClock, type Clock } from '../core/clock.js';
import { ErrorCodes, PremiumbotError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface SandboxClock {
  clock: Clock;
  /** Called after the sandbox's clock moved (not for the first reading). */
  onAdvance(listener: () => void): void;
  close(): void;
}

const RECONNECT_MS = 1_000;

/**
 * Connects to the clock stream and resolves once the first reading arrived (so nothing runs
 * on the wrong time); reconnects while the sandbox restarts, keeping the last offset.
 */
export async function followSandboxClock(url: string, logger: Logger): Promise<SandboxClock> {
  let offsetMs = 0;
  let closed = false;
  const listeners: (() => void)[] = [];
  const abort = new AbortController();
  let settle: ((error?: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
    setTimeout(() => settle?.(new Error('no clock reading within 10 s')), 10_000).unref();
  });
  const onReading = (data: string) => {
    const reading = JSON.parse(data) as { offsetMs?: unknown };
    if (typeof reading.offsetMs !== 'number') return;
    const moved = reading.offsetMs !== offsetMs;
    offsetMs = reading.offsetMs;
    if (settle) {
      settle();
      settle = undefined;
    } else if (moved) {
      logger.info({ offsetMs }, 'the sandbox clock moved');
      for (const listener of listeners) listener();
    }
  };
  const connect = async (): Promise<void> => {
    while (!closed) {
      try {
        const res = await fetch(url, { signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        await readEvents(res.body, onReading);
      } catch (err) {
        if (closed) return;
        // Not even a first reading: serve stops here (the sandbox is not running).
        if (settle) return settle(err as Error);
        logger.warn({ err: (err as Error).message }, 'sandbox clock stream lost; reconnecting');
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS).unref());
    }
  };
  void connect();
  try {
    await ready;
  } catch (cause) {
    closed = true;
    abort.abort();
    throw new PremiumbotError(
      ErrorCodes.config,
      `SANDBOX_CLOCK_URL: the sandbox clock at ${url} did not answer (${(cause as Error).message})`,
      {
        hint: 'Start `premiumbot sandbox` first (or `npm run demo`), or unset SANDBOX_CLOCK_URL outside the sandbox.',
        cause,
      },
    );
  }
  settle = undefined;
  return {
    clock: offsetClock(() => offsetMs),
    onAdvance: (listener) => void listeners.push(listener),
    close() {
      closed = true;
      abort.abort();
    },
  };
}

/** Reads `event: clock` data lines from a server-sent event stream until it ends. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      if (!lines.includes('event: clock')) continue;
      const data = lines.find((line) => line.startsWith('data: '));
      if (data) onData(data.slice('data: '.length));
    }
  }
}
