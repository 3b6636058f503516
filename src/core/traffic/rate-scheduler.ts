/**
 * In-memory pacing of sends: sliding windows (global, per private chat, per group) plus
 * pauses imposed by 429s. A sliding-window log is exact: no window of `windowMs` ever
 * holds more than `limit` sends, which is what Telegram's group limit needs.
 */
import {
  isGroupChat,
  windowRules,
  type TrafficLimits,
  type WindowRule,
  type WindowRules,
} from './limits.js';
import type { SharedSend } from './shared-window.js';

/**
 * A sliding-window log per key. A send counts from when it is taken until it is settled
 * (its answer came back) as "in flight" — always inside the window, since Telegram may
 * receive it at any moment — and from then on at its settle time. Dating a send by when it
 * was taken would let a slow request arrive after its slot had already expired locally.
 */
export class SlidingWindow {
  private readonly logs = new Map<string, number[]>();
  private readonly inflight = new Map<string, number>();

  constructor(private readonly rule: WindowRule) {}

  /** Milliseconds until `n` more sends for `key` fit (0 = now). */
  delay(key: string, now: number, n = 1): number {
    const log = this.prune(key, now) ?? [];
    const count = Math.min(n, this.rule.limit);
    const flying = this.inflight.get(key) ?? 0;
    const excess = log.length + flying + count - this.rule.limit;
    if (excess <= 0) return 0;
    // Only sends in flight are in the way: they settle as soon as their answers arrive.
    if (excess > log.length) return Math.max(1, Math.min(this.rule.windowMs, 5));
    return log[excess - 1]! + this.rule.windowMs - now;
  }

  /** How many sends for `key` fit right now. */
  capacity(key: string, now: number): number {
    const log = this.prune(key, now);
    return Math.max(0, this.rule.limit - (log?.length ?? 0) - (this.inflight.get(key) ?? 0));
  }

  /** Takes `n` sends for `key` (in flight until settled). */
  record(key: string, _now: number, n = 1): void {
    this.inflight.set(key, (this.inflight.get(key) ?? 0) + Math.min(n, this.rule.limit));
  }

  /** The `n` sends taken for `key` were answered at `now`. */
  settle(key: string, now: number, n = 1): void {
    const count = Math.min(n, this.rule.limit);
    const flying = (this.inflight.get(key) ?? 0) - count;
    if (flying > 0) this.inflight.set(key, flying);
    else this.inflight.delete(key);
    let log = this.logs.get(key);
    if (!log) {
      log = [];
      this.logs.set(key, log);
    }
    for (let i = 0; i < count; i++) log.push(now);
    log.sort((a, b) => a - b);
  }

  /** Gives back `n` sends taken for `key` that were never made (or answered 429). */
  cancel(key: string, n = 1): void {
    const flying = (this.inflight.get(key) ?? 0) - Math.min(n, this.rule.limit);
    if (flying > 0) this.inflight.set(key, flying);
    else this.inflight.delete(key);
  }

  /** Replaces what is known of `key` by the shared log (closed send times, open sends). */
  replace(key: string, closed: readonly number[], open: number): void {
    if (closed.length > 0)
      this.logs.set(
        key,
        [...closed].sort((a, b) => a - b),
      );
    else this.logs.delete(key);
    if (open > 0) this.inflight.set(key, open);
    else this.inflight.delete(key);
  }

  /** Keys with sends inside the window or in flight. */
  keys(now: number): string[] {
    const keys = new Set([...this.logs.keys()].filter((key) => this.prune(key, now) !== undefined));
    for (const key of this.inflight.keys()) keys.add(key);
    return [...keys];
  }

  /** Drops idle keys so the map does not grow with every fan ever served. */
  sweep(now: number): void {
    for (const key of [...this.logs.keys()]) this.prune(key, now);
  }

  private prune(key: string, now: number): number[] | undefined {
    const log = this.logs.get(key);
    if (!log) return undefined;
    let drop = 0;
    while (drop < log.length && log[drop]! <= now - this.rule.windowMs) drop++;
    if (drop > 0) log.splice(0, drop);
    if (log.length === 0) {
      this.logs.delete(key);
      return undefined;
    }
    return log;
  }
}

/** A chat that must not receive anything before `until` (epoch ms). */
export interface ChatPause {
  chatId: number;
  until: number;
  reason: string;
}

/** Pacing for every send the bot makes. Pure: the caller passes the clock reading. */
export class RateScheduler {
  readonly rules: WindowRules;
  private readonly global: SlidingWindow;
  private readonly privateChats: SlidingWindow;
  private readonly groups: SlidingWindow;
  private readonly pauses = new Map<number, ChatPause>();

  constructor(limits: TrafficLimits) {
    this.rules = windowRules(limits);
    this.global = new SlidingWindow(this.rules.global);
    this.privateChats = new SlidingWindow(this.rules.privateChat);
    this.groups = new SlidingWindow(this.rules.group);
  }

  /** Milliseconds until `n` sends to `chatId` are allowed by its pause and its own window. */
  chatDelay(chatId: number, now: number, n = 1): number {
    const pause = this.pauses.get(chatId);
    const paused = pause && pause.until > now ? pause.until - now : 0;
    const window = this.windowOf(chatId).delay(String(chatId), now, n);
    return Math.max(paused, window);
  }

  /** Milliseconds until `n` sends are allowed by the global window. */
  globalDelay(now: number, n = 1): number {
    return this.global.delay('*', now, n);
  }

  /** Milliseconds until `n` sends to `chatId` are allowed by every rule. */
  delay(chatId: number, now: number, n = 1): number {
    return Math.max(this.chatDelay(chatId, now, n), this.globalDelay(now, n));
  }

  /** Sends to `chatId` that fit right now (0 when paused). */
  capacity(chatId: number, now: number): number {
    if (this.isPaused(chatId, now)) return 0;
    return Math.min(
      this.windowOf(chatId).capacity(String(chatId), now),
      this.global.capacity('*', now),
    );
  }

  /** Sends that fit the global window right now. */
  globalCapacity(now: number): number {
    return this.global.capacity('*', now);
  }

  /** Takes `n` slots (messages) for one call to `chatId` if every rule allows it now. */
  tryTake(chatId: number, now: number, n = 1): boolean {
    if (this.delay(chatId, now, n) > 0) return false;
    this.global.record('*', now, n);
    this.windowOf(chatId).record(String(chatId), now, n);
    return true;
  }

  /** The call that took `n` slots for `chatId` was answered (or abandoned) at `now`. */
  settle(chatId: number, now: number, n = 1): void {
    this.global.settle('*', now, n);
    this.windowOf(chatId).settle(String(chatId), now, n);
  }

  /** Gives back the `n` slots a call to `chatId` took without posting (never made, or 429). */
  untake(chatId: number, n = 1): void {
    this.global.cancel('*', n);
    this.windowOf(chatId).cancel(String(chatId), n);
  }

  /** Milliseconds until `chatId`'s pause (a 429, a lost group) ends; 0 when not paused. */
  pauseDelay(chatId: number, now: number): number {
    const pause = this.pauses.get(chatId);
    return pause && pause.until > now ? pause.until - now : 0;
  }

  /**
   * The global window alone, for a group whose own window is shared with other instances
   * (see `mirrorGroup`): take `n`, give them back unused, or settle them at `now`.
   */
  takeGlobal(now: number, n = 1): void {
    this.global.record('*', now, n);
  }

  cancelGlobal(n = 1): void {
    this.global.cancel('*', n);
  }

  settleGlobal(now: number, n = 1): void {
    this.global.settle('*', now, n);
  }

  /**
   * Adopts a group's shared log (every instance's sends, see shared-window.ts) as this
   * process's view of the group's window, so its capacity counts the other instances too.
   */
  mirrorGroup(chatId: number, log: readonly SharedSend[]): void {
    const closed = log.filter((s) => !s.open).map((s) => s.at);
    this.groups.replace(String(chatId), closed, log.length - closed.length);
  }

  /** Stops sends to `chatId` until `until`; a later pause never shortens an existing one. */
  pause(chatId: number, until: number, reason: string): ChatPause {
    const existing = this.pauses.get(chatId);
    if (existing && existing.until >= until) return existing;
    const pause = { chatId, until, reason };
    this.pauses.set(chatId, pause);
    return pause;
  }

  /** Lifts a pause (an operator decided, or the persisted pause was removed). */
  unpause(chatId: number): void {
    this.pauses.delete(chatId);
  }

  isPaused(chatId: number, now: number): boolean {
    const pause = this.pauses.get(chatId);
    return pause !== undefined && pause.until > now;
  }

  /** Active pauses, for metrics and the claim query. */
  activePauses(now: number): ChatPause[] {
    const active: ChatPause[] = [];
    for (const [chatId, pause] of this.pauses) {
      if (pause.until > now) active.push(pause);
      else this.pauses.delete(chatId);
    }
    return active;
  }

  /** Chats that cannot take a send right now (paused, or their own window is full). */
  blockedChats(now: number): number[] {
    const blocked = new Set<number>(this.activePauses(now).map((p) => p.chatId));
    for (const key of this.privateChats.keys(now))
      if (this.privateChats.delay(key, now) > 0) blocked.add(Number(key));
    for (const key of this.groups.keys(now))
      if (this.groups.delay(key, now) > 0) blocked.add(Number(key));
    return [...blocked];
  }

  /** Forgets idle window state. */
  sweep(now: number): void {
    this.global.sweep(now);
    this.privateChats.sweep(now);
    this.groups.sweep(now);
    this.activePauses(now);
  }

  private windowOf(chatId: number): SlidingWindow {
    return isGroupChat(chatId) ? this.groups : this.privateChats;
  }
}
