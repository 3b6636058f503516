/**
 * Alert deduplication and rate limiting: the same alert key is sent at most once per
 * `dedupeMs` (later repeats are counted and reported with the next one), and no more
 * than `maxPerWindow` alerts go out per `windowMs` in total.
 */
import { BoundedMap } from './bounded-set.js';

export interface AlertThrottleOptions {
  dedupeMs: number;
  maxPerWindow: number;
  windowMs: number;
}

export const DEFAULT_ALERT_THROTTLE: AlertThrottleOptions = {
  dedupeMs: 10 * 60_000,
  maxPerWindow: 10,
  windowMs: 10 * 60_000,
};

/** Alert keys remembered at most (keys carry ids, e.g. one per fan: they must not pile up). */
export const ALERT_KEYS_REMEMBERED = 5_000;

export type AlertVerdict = { send: true; suppressedBefore: number } | { send: false };

export class AlertThrottle {
  private readonly lastSent = new BoundedMap<string, { at: number; suppressed: number }>(
    ALERT_KEYS_REMEMBERED,
  );
  private sentTimes: number[] = [];

  constructor(private readonly options: AlertThrottleOptions = DEFAULT_ALERT_THROTTLE) {}

  /** Decides whether the alert `key` goes out now. */
  check(key: string, now: number): AlertVerdict {
    this.sentTimes = this.sentTimes.filter((t) => t > now - this.options.windowMs);
    const last = this.lastSent.get(key);
    if (last && now - last.at < this.options.dedupeMs) {
      last.suppressed++;
      return { send: false };
    }
    if (this.sentTimes.length >= this.options.maxPerWindow) {
      if (last) last.suppressed++;
      else this.lastSent.set(key, { at: -Infinity, suppressed: 1 });
      return { send: false };
    }
    const suppressedBefore = last?.suppressed ?? 0;
    this.lastSent.set(key, { at: now, suppressed: 0 });
    this.sentTimes.push(now);
    return { send: true, suppressedBefore };
  }
}
