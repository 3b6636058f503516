/**
 * Telegram's flood limits as the simulator models them (DESIGN §6):
 * - about 30 messages per second overall per bot (sliding 1 s window);
 * - about 1 message per second per private chat, with a small burst (token bucket);
 * - 20 messages per minute per group, shared by every topic, topic creation included
 *   (sliding 60 s window).
 * Time here is simulated time: real elapsed time divided by `timeScale`, so with timeScale 0.01
 * a 60 s window passes in 0.6 real seconds. `retry_after` is reported in simulated seconds.
 */

export interface RateLimitOptions {
  /** Turn every flood limit off (default on). */
  enabled?: boolean;
  /** Messages per second across all chats (default 30). */
  globalPerSecond?: number;
  /** Sustained messages per second in one private chat (default 1). */
  privatePerSecond?: number;
  /** Burst allowance of a private chat (default 3). */
  privateBurst?: number;
  /** Messages per minute in one group or supergroup, all topics together (default 20). */
  groupPerMinute?: number;
}

export type ResolvedRateLimits = Required<RateLimitOptions>;

export const DEFAULT_RATE_LIMITS: ResolvedRateLimits = {
  enabled: true,
  globalPerSecond: 30,
  privatePerSecond: 1,
  privateBurst: 3,
  groupPerMinute: 20,
};

/** A sliding-window log: how long until `n` more events fit into `limit` per `windowMs`. */
class SlidingWindow {
  private readonly events: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  waitMs(now: number, n: number): number {
    this.expire(now);
    const excess = this.events.length + n - this.limit;
    if (excess <= 0) return 0;
    if (n > this.limit) return this.windowMs;
    const oldestToExpire = this.events[excess - 1] as number;
    return oldestToExpire + this.windowMs - now;
  }

  add(now: number, n: number): void {
    for (let i = 0; i < n; i++) this.events.push(now);
  }

  private expire(now: number): void {
    while (this.events.length > 0 && (this.events[0] as number) <= now - this.windowMs)
      this.events.shift();
  }
}

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerMs: number,
    private readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  waitMs(now: number, n: number): number {
    this.refill(now);
    const need = Math.min(n, this.capacity);
    if (this.tokens >= need) return 0;
    return (need - this.tokens) / this.ratePerMs;
  }

  take(now: number, n: number): void {
    this.refill(now);
    this.tokens -= Math.min(n, this.capacity);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
  }
}

export interface LimitTarget {
  chatId: number;
  isPrivate: boolean;
}

export class RateLimiter {
  private readonly options: ResolvedRateLimits;
  private global: SlidingWindow;
  private readonly privateBuckets = new Map<number, TokenBucket>();
  private readonly groupWindows = new Map<number, SlidingWindow>();
  /** Chat-wide flood waits set by the control API: chat id → simulated ms when it ends. */
  private readonly floodUntil = new Map<number, number>();

  /** @param simNow simulated milliseconds (monotonic). */
  constructor(
    options: RateLimitOptions,
    private readonly simNow: () => number,
  ) {
    this.options = { ...DEFAULT_RATE_LIMITS, ...options };
    this.global = new SlidingWindow(this.options.globalPerSecond, 1000);
  }

  get settings(): ResolvedRateLimits {
    return { ...this.options };
  }

  /**
   * Takes `count` messages for `target` if every limit allows it and returns 0; otherwise takes
   * nothing and returns retry_after in whole simulated seconds (at least 1).
   * `groupOnly` is for edits, which only count against a group's limit.
   */
  take(target: LimitTarget, count: number, groupOnly = false): number {
    const now = this.simNow();
    const flood = this.floodUntil.get(target.chatId);
    if (flood !== undefined) {
      if (flood > now) return Math.max(1, Math.ceil((flood - now) / 1000));
      this.floodUntil.delete(target.chatId);
    }
    if (!this.options.enabled) return 0;
    if (groupOnly && target.isPrivate) return 0;
    let wait = groupOnly ? 0 : this.global.waitMs(now, count);
    let bucket: TokenBucket | undefined;
    let window: SlidingWindow | undefined;
    if (target.isPrivate) {
      bucket = this.privateBuckets.get(target.chatId);
      if (!bucket) {
        bucket = new TokenBucket(
          this.options.privatePerSecond / 1000,
          this.options.privateBurst,
          now,
        );
        this.privateBuckets.set(target.chatId, bucket);
      }
      wait = Math.max(wait, bucket.waitMs(now, count));
    } else {
      window = this.groupWindows.get(target.chatId);
      if (!window) {
        window = new SlidingWindow(this.options.groupPerMinute, 60_000);
        this.groupWindows.set(target.chatId, window);
      }
      wait = Math.max(wait, window.waitMs(now, count));
    }
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    if (!groupOnly) this.global.add(now, count);
    bucket?.take(now, count);
    window?.add(now, count);
    return 0;
  }

  /** Makes every send into `chatId` fail with 429 for `seconds` simulated seconds. */
  floodWait(chatId: number, seconds: number): void {
    this.floodUntil.set(chatId, this.simNow() + seconds * 1000);
  }

  reset(): void {
    this.global = new SlidingWindow(this.options.globalPerSecond, 1000);
    this.privateBuckets.clear();
    this.groupWindows.clear();
    this.floodUntil.clear();
  }
}
