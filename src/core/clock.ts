/**
 * Where the product reads the time of day: pass ends, response-time alerts, quiet hours,
 * invoice expiry, the times fans and the team are shown. One clock per process, built by the
 * composition root: the system's in production; in the sandbox one that follows the
 * simulators' clock, so moving it forward ends passes and fires alerts as real time would.
 *
 * Real-time delays (coalescing timers, retry backoff, album holds, the outbox's schedule,
 * Telegram's rate limits) are not read from it: they wait in real time whatever it says.
 */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock `offsetMs()` ahead of the system's (the sandbox's, read at every call). */
export function offsetClock(offsetMs: () => number): Clock {
  return { now: () => new Date(Date.now() + offsetMs()) };
}
