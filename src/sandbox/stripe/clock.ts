/** The simulator's notion of "now", in Unix seconds; tests move it forward instead of sleeping. */
export interface SimClock {
  /** Current time in Unix seconds. */
  now(): number;
  /** Current time in milliseconds (real time plus every advance). */
  nowMs(): number;
  /** Moves the clock forward (never backward) by `seconds`. */
  advance(seconds: number): void;
  /** How far ahead of real time the clock is, in milliseconds. */
  offsetMs(): number;
  /** Calls `listener` after every advance; returns the unsubscribe function. */
  onAdvance(listener: () => void): () => void;
}

/** A clock that follows real time, shifted by whatever tests advanced it. */
export function createSimClock(startAt?: number): SimClock {
  let offsetMs = startAt === undefined ? 0 : startAt * 1000 - Date.now();
  const listeners = new Set<() => void>();
  return {
    nowMs: () => Date.now() + offsetMs,
    now: () => Math.floor((Date.now() + offsetMs) / 1000),
    offsetMs: () => offsetMs,
    advance(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new RangeError(
          `clock.advance needs a non-negative number of seconds, got ${seconds}`,
        );
      }
      offsetMs += seconds * 1000;
      for (const listener of [...listeners]) listener();
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
