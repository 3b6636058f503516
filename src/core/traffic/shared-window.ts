/**
 * The admin group's budget as one sliding-window log shared by every instance (and kept
 * across restarts): the store holds the sends of the last window, each taken by a slot. A
 * send is "open" from when it is taken until its answer comes back — always inside the
 * window, since Telegram may receive it at any moment — and is then re-dated to the answer's
 * time. A call answered 429 posted nothing, so its sends are given back (Telegram's
 * `retry_after` pauses the chat instead; see docs/architecture.md, "The group budget").
 * Pure: the store reads the log, calls these functions and writes the result atomically.
 */
import type { WindowRule } from './limits.js';

/** One send in the log: `at` is when it was taken (open) or answered (closed), epoch ms. */
export interface SharedSend {
  slot: string;
  at: number;
  open: boolean;
}

/** What a take found: whether the sends were taken, and if not how long until they fit. */
export interface SharedTake {
  taken: boolean;
  /** Milliseconds until `n` sends fit (0 when taken). */
  delay: number;
  log: SharedSend[];
}

/**
 * An open send older than this many windows belongs to a call that crashed with its process:
 * it is dropped (Telegram answered or forgot it long ago).
 */
const STALE_OPEN_WINDOWS = 2;

/** The sends still inside the window at `now` (open ones until they are stale). */
export function pruneShared(
  log: readonly SharedSend[],
  now: number,
  rule: WindowRule,
): SharedSend[] {
  return log.filter((s) =>
    s.open ? s.at > now - rule.windowMs * STALE_OPEN_WINDOWS : s.at > now - rule.windowMs,
  );
}

/** Milliseconds until `n` more sends fit the log (0 = now). */
export function sharedDelay(
  log: readonly SharedSend[],
  now: number,
  rule: WindowRule,
  n = 1,
): number {
  const live = pruneShared(log, now, rule);
  const count = Math.min(n, rule.limit);
  const excess = live.length + count - rule.limit;
  if (excess <= 0) return 0;
  const closed = live
    .filter((s) => !s.open)
    .map((s) => s.at)
    .sort((a, b) => a - b);
  // Only sends in flight are in the way: they close as soon as their answers arrive.
  if (excess > closed.length) return Math.max(1, Math.min(rule.windowMs, 5));
  return Math.max(1, closed[excess - 1]! + rule.windowMs - now);
}

/** Takes `n` sends for `slot` if they fit the window at `now`. */
export function takeShared(
  log: readonly SharedSend[],
  now: number,
  rule: WindowRule,
  n: number,
  slot: string,
): SharedTake {
  const live = pruneShared(log, now, rule);
  const delay = sharedDelay(live, now, rule, n);
  if (delay > 0) return { taken: false, delay, log: live };
  const count = Math.min(n, rule.limit);
  const taken = Array.from({ length: count }, () => ({ slot, at: now, open: true }));
  return { taken: true, delay: 0, log: [...live, ...taken] };
}

/**
 * The call of `slot` was answered at `now`: its sends close there, or leave the log when
 * `refund` (answered 429, or never made).
 */
export function settleShared(
  log: readonly SharedSend[],
  now: number,
  rule: WindowRule,
  slot: string,
  refund: boolean,
): SharedSend[] {
  const settled = log.flatMap((s) => {
    if (s.slot !== slot) return [s];
    return refund ? [] : [{ slot, at: Math.max(s.at, now), open: false }];
  });
  return pruneShared(settled, now, rule);
}

/** The log as stored (short keys keep the row small). */
export function encodeShared(log: readonly SharedSend[]): string {
  return JSON.stringify(log.map((s) => [s.slot, s.at, s.open ? 1 : 0]));
}

/** Reads a stored log; anything unreadable counts as empty. */
export function decodeShared(text: string | null | undefined): SharedSend[] {
  if (!text) return [];
  try {
    const raw = JSON.parse(text) as unknown;
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((e: unknown) =>
      Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number'
        ? [{ slot: e[0], at: e[1], open: e[2] === 1 }]
        : [],
    );
  } catch {
    return [];
  }
}
