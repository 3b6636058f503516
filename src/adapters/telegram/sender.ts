/**
 * The one sender. Every Bot API call that spends a chat's budget goes through here: it
 * waits for the sliding windows (global, private chat, group), honours 429 pauses, and
 * reports long pauses so they are persisted and alerted. The outbox worker drives it for
 * durable work; features use `send` for ephemeral calls (leaveChat, createForumTopic…).
 */
import { callCost } from '../../core/traffic/call-cost.js';
import { decideFailure } from '../../core/traffic/delivery-policy.js';
import { simulatedSecondsToMs, type TrafficLimits } from '../../core/traffic/limits.js';
import { isGroupChat } from '../../core/traffic/limits.js';
import type { GroupBudgetStore } from '../../core/traffic/ports.js';
import { RateScheduler, type ChatPause } from '../../core/traffic/rate-scheduler.js';
import { sharedDelay } from '../../core/traffic/shared-window.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import { BotApiError, type BotApi } from './bot-api.js';

export interface SenderDeps {
  api: BotApi;
  limits: TrafficLimits;
  logger: Logger;
  metrics: RuntimeMetrics;
  now?: () => number;
  /** Called when a 429 asks for more than `limits.longPauseSeconds`. */
  onLongPause?: (pause: ChatPause, retryAfterSeconds: number) => Promise<void> | void;
  /**
   * Groups' budgets shared by every instance and kept across restarts (`rate_windows`).
   * Without it each process counts its own sends in memory (tests of the sender alone).
   */
  groupBudget?: GroupBudgetStore;
}

/** Resolves after `ms`, or early (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A chat cannot take a send soon enough (paused, or out of budget for a while). */
export class ChatBusyError extends Error {
  constructor(readonly chatId: number) {
    super(`chat ${chatId} is paused or out of budget`);
    this.name = 'ChatBusyError';
  }
}

/** Budget taken for one call; settled when the call is answered. */
export interface Slot {
  chatId: number;
  at: number;
  cost: number;
  settled?: boolean;
  /** Set when the slot was taken from the group's shared budget (its id in the log). */
  sharedId?: string;
}

let slotCounter = 0;

export interface AcquireOptions {
  signal?: AbortSignal;
  maxWaitMs?: number;
  /** Fewer than the cost will do, down to this many (a batch that can be trimmed). */
  min?: number;
}

export class TelegramSender {
  readonly scheduler: RateScheduler;
  readonly limits: TrafficLimits;
  private readonly now: () => number;
  /** Aborted at shutdown: nothing waits for budget any more (see `stopWaiting`). */
  private readonly stopping = new AbortController();
  /** Shared-budget writes (settles) still running. */
  private readonly budgetWrites = new Set<Promise<void>>();
  private readonly lastSync = new Map<number, number>();
  private readonly slotPrefix = Math.random().toString(36).slice(2, 8);

  constructor(private readonly deps: SenderDeps) {
    this.limits = deps.limits;
    this.scheduler = new RateScheduler(deps.limits);
    this.now = deps.now ?? Date.now;
  }

  clock(): number {
    return this.now();
  }

  /** The budget a call spends. */
  costOf(method: string, params: Record<string, unknown>): number {
    return callCost(method, params, this.limits.batchCost === 'per_message');
  }

  /**
   * Shutdown: every wait for budget, now or later, ends at once with ChatBusyError (the
   * outbox puts its job back untouched); calls already made are not touched.
   */
  stopWaiting(): void {
    this.stopping.abort(new Error('shutting down'));
  }

  /**
   * Waits until `cost` sends to `chatId` fit, then takes them. Throws ChatBusyError instead
   * of waiting longer than `maxWaitMs` (a long 429 pause, a saturated group), or at all once
   * `stopWaiting` was called.
   *
   * With `min` below `cost` (a batch that may be trimmed), it waits only until `min` fit and
   * then takes as many as fit at that moment, up to `cost`: the slot's `cost` says how many
   * were taken, and the caller sends that many. Units free now are never left unused while
   * the whole batch waits for more.
   */
  async acquire(
    chatId: number,
    cost: number,
    options: AcquireOptions = {},
  ): Promise<Slot | undefined> {
    if (cost <= 0) return undefined;
    const min = Math.max(1, Math.min(cost, options.min ?? cost));
    if (this.deps.groupBudget && isGroupChat(chatId))
      return this.acquireShared(this.deps.groupBudget, chatId, cost, min, options);
    for (;;) {
      const now = this.now();
      const take = Math.max(min, Math.min(cost, this.scheduler.capacity(chatId, now)));
      if (this.scheduler.tryTake(chatId, now, take)) {
        return { chatId, at: now, cost: take };
      }
      const wait = Math.max(1, this.scheduler.delay(chatId, now, min));
      if (options.maxWaitMs !== undefined && wait > options.maxWaitMs)
        throw new ChatBusyError(chatId);
      await this.pause(wait, options.signal, chatId);
    }
  }

  /**
   * `acquire` for a group whose budget every instance shares: the global window (per
   * process, like Telegram's per-bot limit) is taken here, the group's sends in the store.
   */
  private async acquireShared(
    budget: GroupBudgetStore,
    chatId: number,
    cost: number,
    min: number,
    options: Pick<AcquireOptions, 'signal' | 'maxWaitMs'>,
  ): Promise<Slot> {
    const rule = this.scheduler.rules.group;
    /** How many to ask for: all of `cost` unless fewer fit (as last seen), never below `min`. */
    let room: number | undefined;
    for (;;) {
      const now = this.now();
      let wait = Math.max(
        this.scheduler.pauseDelay(chatId, now),
        this.scheduler.globalDelay(now, min),
      );
      if (wait <= 0) {
        const fit =
          min < cost ? Math.min(room ?? cost, this.scheduler.capacity(chatId, now)) : cost;
        const take = Math.max(min, Math.min(cost, fit));
        room = undefined;
        const sharedId = `${this.slotPrefix}:${++slotCounter}`;
        this.scheduler.takeGlobal(now, take);
        let result;
        try {
          result = await budget.take(chatId, take, sharedId, now, rule);
        } catch (err) {
          this.scheduler.cancelGlobal(take);
          throw err;
        }
        this.scheduler.mirrorGroup(chatId, result.log);
        this.lastSync.set(chatId, now);
        if (result.taken) return { chatId, at: now, cost: take, sharedId };
        this.scheduler.cancelGlobal(take);
        // Fewer fit than asked (another instance took some): ask again for what is left.
        const left = rule.limit - result.log.length;
        if (left >= min && left < take) {
          room = left;
          continue;
        }
        wait = Math.max(1, take > min ? sharedDelay(result.log, now, rule, min) : result.delay);
      }
      if (options.maxWaitMs !== undefined && wait > options.maxWaitMs)
        throw new ChatBusyError(chatId);
      await this.pause(wait, options.signal, chatId);
    }
  }

  /**
   * Brings this process's view of a group's shared budget up to date (what the other
   * instances sent), at most once per `minIntervalMs`; the claim loop sizes its work by it.
   */
  async syncGroup(chatId: number, minIntervalMs: number): Promise<void> {
    const budget = this.deps.groupBudget;
    if (!budget || !isGroupChat(chatId)) return;
    const now = this.now();
    if (now - (this.lastSync.get(chatId) ?? -Infinity) < minIntervalMs) return;
    this.lastSync.set(chatId, now);
    this.scheduler.mirrorGroup(chatId, await budget.read(chatId, now, this.scheduler.rules.group));
  }

  /** Waits for the shared-budget writes still running (shutdown). */
  async flushBudget(): Promise<void> {
    while (this.budgetWrites.size > 0) await Promise.all([...this.budgetWrites]);
  }

  /** Sleeps `ms` unless `signal` aborts (rejects with its reason) or shutdown begins. */
  private async pause(ms: number, signal: AbortSignal | undefined, chatId?: number): Promise<void> {
    const stopping = this.stopping.signal;
    if (stopping.aborted) throw new ChatBusyError(chatId ?? 0);
    try {
      await sleep(ms, signal ? AbortSignal.any([signal, stopping]) : stopping);
    } catch (err) {
      if (stopping.aborted && !signal?.aborted) throw new ChatBusyError(chatId ?? 0);
      throw err;
    }
  }

  /**
   * One call, no retry. A 429 pauses the chat (and reports a long pause) before the error
   * is rethrown, so whoever retries waits the right time. The slot taken for the call is
   * re-dated to when the answer came back.
   */
  async attempt<T>(
    method: string,
    params: Record<string, unknown>,
    chatId?: number,
    slot?: Slot,
  ): Promise<T> {
    let refused = false;
    try {
      const result = await this.deps.api.call<T>(method, params);
      this.deps.metrics.sends.inc({ result: 'ok' });
      return result;
    } catch (err) {
      if (
        err instanceof BotApiError &&
        err.failure.type === 'api' &&
        err.failure.code === 429 &&
        chatId !== undefined
      ) {
        // Refused: nothing was posted, so the slot goes back; the pause holds the chat.
        refused = true;
        await this.onTooManyRequests(chatId, err.failure.retryAfterSeconds ?? 5);
      } else {
        this.deps.metrics.sends.inc({ result: 'error' });
      }
      throw err;
    } finally {
      if (slot) this.release(slot, refused);
    }
  }

  /**
   * An ephemeral call with the budget respected: retries 429s, 5xx and unsent network
   * errors (up to `maxAttempts`), never an uncertain non-idempotent one.
   */
  async send<T>(
    method: string,
    params: Record<string, unknown>,
    options: { maxAttempts?: number; signal?: AbortSignal; maxWaitMs?: number } = {},
  ): Promise<T> {
    const chatId = typeof params.chat_id === 'number' ? params.chat_id : undefined;
    const cost = this.costOf(method, params);
    const maxAttempts = options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const slot =
        chatId === undefined
          ? undefined
          : await this.acquire(chatId, cost, {
              signal: options.signal,
              maxWaitMs: options.maxWaitMs,
            });
      try {
        return await this.attempt<T>(method, params, chatId, slot);
      } catch (err) {
        if (!(err instanceof BotApiError) || attempt >= maxAttempts) throw err;
        const decision = decideFailure(method, err.failure);
        if (decision.action === 'rate_limited') {
          if (decision.retryAfterSeconds > this.limits.longPauseSeconds) throw err;
          continue; // acquire() waits for the pause
        }
        if (decision.action !== 'retry') throw err;
        await this.pause(
          simulatedSecondsToMs(2 ** attempt / 2, this.limits),
          options.signal,
          chatId,
        );
      }
    }
  }

  /**
   * Settles a slot: the call was answered at now (counted from then), or with `refund` it
   * posted nothing (answered 429, or never made) and its budget goes back. Idempotent.
   */
  release(slot: Slot, refund = false): void {
    if (slot.settled) return;
    slot.settled = true;
    const now = this.now();
    const budget = this.deps.groupBudget;
    if (slot.sharedId === undefined || !budget) {
      if (refund) this.scheduler.untake(slot.chatId, slot.cost);
      else this.scheduler.settle(slot.chatId, now, slot.cost);
      return;
    }
    if (refund) this.scheduler.cancelGlobal(slot.cost);
    else this.scheduler.settleGlobal(now, slot.cost);
    const rule = this.scheduler.rules.group;
    const write: Promise<void> = budget
      .settle(slot.chatId, slot.sharedId, now, rule, refund)
      .then((log) => this.scheduler.mirrorGroup(slot.chatId, log))
      .catch((err: unknown) => {
        // The send stays open in the log and expires (two windows): budget lost, never overspent.
        this.deps.logger.warn({ err, chatId: slot.chatId }, 'could not settle the group budget');
      })
      .finally(() => this.budgetWrites.delete(write));
    this.budgetWrites.add(write);
  }

  /** Applies a 429 to the chat: pause it, count it, report it when long. */
  async onTooManyRequests(chatId: number, retryAfterSeconds: number): Promise<ChatPause> {
    const until = this.now() + simulatedSecondsToMs(retryAfterSeconds, this.limits);
    const pause = this.scheduler.pause(chatId, until, `429 retry_after=${retryAfterSeconds}`);
    this.deps.metrics.tooManyRequests.inc({ chat: chatId < 0 ? 'group' : 'private' });
    this.deps.metrics.sends.inc({ result: '429' });
    if (retryAfterSeconds > this.limits.longPauseSeconds) {
      this.deps.logger.warn({ chatId, retryAfterSeconds }, 'long Telegram flood wait: chat paused');
      await this.deps.onLongPause?.(pause, retryAfterSeconds);
    }
    return pause;
  }
}
