/**
 * The bot's update queue and its two delivery modes, with Telegram's semantics:
 * - getUpdates: updates stay queued until confirmed by a call with a higher `offset`; `timeout`
 *   long-polls (scaled by timeScale) until an update arrives; a second poller terminates the
 *   first one with 409; getUpdates while a webhook is set answers 409.
 * - webhook: one POST per update with `X-Telegram-Bot-Api-Secret-Token`, at most one update in
 *   flight per chat (order kept per chat), up to `max_connections` in parallel, retried with
 *   exponential backoff on non-2xx or connection errors. A JSON answer carrying `method` is
 *   executed as a Bot API call ("webhook reply"), as Telegram does.
 * `allowed_updates` filters updates when they are created, like Telegram (it does not affect
 * updates already queued).
 */
import { ApiError } from './api-error.js';
import {
  ALL_UPDATE_KINDS,
  DEFAULT_EXCLUDED_UPDATES,
  type TgUpdate,
  type UpdateKind,
} from './types.js';
import type { Logger } from '../../core/logger.js';

export interface QueuedUpdate {
  update: TgUpdate;
  kind: UpdateKind;
  /** Updates with the same key are delivered one at a time, in order. */
  orderKey: string;
  attempts: number;
}

export type UpdateStatus = 'queued' | 'delivered' | 'confirmed' | 'filtered' | 'dropped';

export interface UpdateLogEntry {
  update: TgUpdate;
  kind: UpdateKind;
  status: UpdateStatus;
  /** Webhook attempts made for this update. */
  attempts: number;
}

export interface WebhookState {
  url: string;
  secretToken?: string;
  maxConnections: number;
  ipAddress?: string;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

export interface WebhookDelivery {
  updateId: number;
  url: string;
  status: number | 'error';
  error?: string;
  at: number;
}

export interface UpdateHubOptions {
  /** Simulated seconds → real ms. */
  scaleMs: (simSeconds: number) => number;
  now: () => number;
  firstUpdateId: number;
  webhookRetryBaseSeconds: number;
  webhookRetryMaxSeconds: number;
  webhookTimeoutSeconds: number;
  logger: Logger;
  /** Executes a webhook reply (`{method, ...params}`) as a Bot API call. */
  executeWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>;
  onChange: () => void;
}

interface Poller {
  limit: number;
  resolve: (updates: TgUpdate[]) => void;
  reject: (error: ApiError) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_ALLOWED = ALL_UPDATE_KINDS.filter((kind) => !DEFAULT_EXCLUDED_UPDATES.includes(kind));

export class UpdateHub {
  private queue: QueuedUpdate[] = [];
  private readonly log: UpdateLogEntry[] = [];
  private readonly logById = new Map<number, UpdateLogEntry>();
  private nextUpdateId: number;
  private allowed = new Set<string>(DEFAULT_ALLOWED);
  private poller: Poller | undefined;
  private webhookState: WebhookState | undefined;
  private readonly inFlight = new Set<string>();
  private readonly blockedUntil = new Map<string, NodeJS.Timeout>();
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly controllers = new Set<AbortController>();
  private closed = false;
  /** Bumped by reset() so that deliveries started before it are ignored when they finish. */
  private generation = 0;

  constructor(private readonly options: UpdateHubOptions) {
    this.nextUpdateId = options.firstUpdateId;
  }

  get webhook(): WebhookState | undefined {
    return this.webhookState;
  }

  /**
   * Telegram restarts update ids (after a week without updates the next id is random): the
   * next update gets `next`, even if an earlier update had it.
   */
  restartIds(next: number): void {
    this.nextUpdateId = next;
  }

  /** Creates an update unless allowed_updates excludes its kind; returns it when queued. */
  emit(kind: UpdateKind, payload: unknown, orderKey: string): TgUpdate | undefined {
    // A snapshot: later edits of the stored message must not change an update already queued.
    const update: TgUpdate = {
      update_id: this.nextUpdateId++,
      [kind]: JSON.parse(JSON.stringify(payload)) as unknown,
    };
    const allowed = this.allowed.has(kind);
    const entry: UpdateLogEntry = {
      update,
      kind,
      status: allowed ? 'queued' : 'filtered',
      attempts: 0,
    };
    this.log.push(entry);
    this.logById.set(update.update_id, entry);
    if (!allowed) {
      this.options.onChange();
      return undefined;
    }
    this.queue.push({ update, kind, orderKey, attempts: 0 });
    this.wakePoller();
    this.pump();
    this.options.onChange();
    return update;
  }

  private setAllowed(list: string[] | undefined): void {
    if (list === undefined) return;
    this.allowed = new Set(list.length === 0 ? DEFAULT_ALLOWED : list);
  }

  /** Every update created, with its delivery status. */
  all(): UpdateLogEntry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  pendingCount(): number {
    return this.queue.length;
  }

  webhookDeliveries(): WebhookDelivery[] {
    return [...this.deliveries];
  }

  // ---- getUpdates -------------------------------------------------------------------------

  getUpdates(
    params: { offset?: number; limit?: number; timeout?: number; allowed_updates?: string[] },
    signal: AbortSignal,
  ): Promise<TgUpdate[]> {
    if (this.webhookState) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    this.setAllowed(params.allowed_updates);
    if (params.offset !== undefined) this.confirm(params.offset);
    if (this.poller) {
      const previous = this.poller;
      this.poller = undefined;
      clearTimeout(previous.timer);
      previous.reject(
        new ApiError(
          409,
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        ),
      );
    }
    const limit = Math.min(100, Math.max(1, params.limit ?? 100));
    const ready = this.take(limit);
    const timeout = Math.max(0, params.timeout ?? 0);
    if (ready.length > 0 || timeout === 0 || this.closed) return Promise.resolve(ready);
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const finish = (updates: TgUpdate[]) => {
        if (this.poller !== poller) return;
        this.poller = undefined;
        clearTimeout(poller.timer);
        resolve(updates);
      };
      const poller: Poller = {
        limit,
        resolve: finish,
        reject,
        timer: setTimeout(() => finish([]), this.options.scaleMs(timeout)),
      };
      this.poller = poller;
      signal.addEventListener('abort', () => finish([]), { once: true });
    });
  }

  private take(limit: number): TgUpdate[] {
    return this.queue.slice(0, limit).map((queued) => queued.update);
  }

  private confirm(offset: number): void {
    let keep: QueuedUpdate[];
    if (offset < 0) {
      keep = this.queue.slice(Math.max(0, this.queue.length + offset));
    } else {
      keep = this.queue.filter((queued) => queued.update.update_id >= offset);
    }
    const kept = new Set(keep);
    for (const queued of this.queue) {
      if (!kept.has(queued)) this.mark(queued.update.update_id, 'confirmed');
    }
    this.queue = keep;
  }

  private wakePoller(): void {
    if (!this.poller) return;
    this.poller.resolve(this.take(this.poller.limit));
  }

  private mark(updateId: number, status: UpdateStatus): void {
    const entry = this.logById.get(updateId);
    if (entry) entry.status = status;
  }

  // ---- webhook ----------------------------------------------------------------------------

  setWebhook(input: {
    url: string;
    secretToken?: string;
    maxConnections?: number;
    ipAddress?: string;
    allowedUpdates?: string[];
    dropPendingUpdates?: boolean;
  }): void {
    if (input.dropPendingUpdates) this.dropPending();
    this.setAllowed(input.allowedUpdates);
    if (input.url === '') {
      this.webhookState = undefined;
      return;
    }
    const state: WebhookState = { url: input.url, maxConnections: input.maxConnections ?? 40 };
    if (input.secretToken !== undefined) state.secretToken = input.secretToken;
    if (input.ipAddress !== undefined) state.ipAddress = input.ipAddress;
    if (input.allowedUpdates !== undefined) state.allowedUpdates = input.allowedUpdates;
    this.webhookState = state;
    if (this.poller) {
      const previous = this.poller;
      this.poller = undefined;
      clearTimeout(previous.timer);
      previous.reject(
        new ApiError(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ),
      );
    }
    this.pump();
  }

  deleteWebhook(dropPendingUpdates: boolean): void {
    if (dropPendingUpdates) this.dropPending();
    this.webhookState = undefined;
  }

  private dropPending(): void {
    for (const queued of this.queue) this.mark(queued.update.update_id, 'dropped');
    this.queue = [];
  }

  private pump(): void {
    const webhook = this.webhookState;
    if (!webhook || this.closed) return;
    const seen = new Set<string>();
    for (const queued of this.queue) {
      if (this.inFlight.size >= webhook.maxConnections) break;
      if (seen.has(queued.orderKey)) continue;
      seen.add(queued.orderKey);
      if (this.inFlight.has(queued.orderKey) || this.blockedUntil.has(queued.orderKey)) continue;
      void this.deliver(queued, webhook);
    }
  }

  private async deliver(queued: QueuedUpdate, webhook: WebhookState): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(queued.orderKey);
    queued.attempts += 1;
    const entry = this.logById.get(queued.update.update_id);
    if (entry) entry.attempts = queued.attempts;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(
      () => controller.abort(),
      this.options.scaleMs(this.options.webhookTimeoutSeconds),
    );
    let failure: string | undefined;
    let reply: string | undefined;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (webhook.secretToken !== undefined)
        headers['x-telegram-bot-api-secret-token'] = webhook.secretToken;
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(queued.update),
        signal: controller.signal,
      });
      reply = await response.text().catch(() => '');
      this.deliveries.push({
        updateId: queued.update.update_id,
        url: webhook.url,
        status: response.status,
        at: this.options.now(),
      });
      if (response.status < 200 || response.status > 299) {
        failure =
          `Wrong response from the webhook: ${response.status} ${response.statusText}`.trim();
      }
    } catch (error) {
      failure = controller.signal.aborted ? 'Read timeout expired' : 'Connection refused';
      this.deliveries.push({
        updateId: queued.update.update_id,
        url: webhook.url,
        status: 'error',
        error: (error as Error).message,
        at: this.options.now(),
      });
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
    if (this.closed || generation !== this.generation) return;
    this.inFlight.delete(queued.orderKey);
    if (failure === undefined) {
      this.queue = this.queue.filter((q) => q !== queued);
      this.mark(queued.update.update_id, 'delivered');
      if (reply) await this.runWebhookReply(reply);
    } else {
      const current = this.webhookState;
      if (current) {
        current.lastErrorDate = Math.floor(this.options.now() / 1000);
        current.lastErrorMessage = failure;
      }
      const delay = Math.min(
        this.options.webhookRetryMaxSeconds,
        this.options.webhookRetryBaseSeconds * 2 ** (queued.attempts - 1),
      );
      this.blockedUntil.set(
        queued.orderKey,
        setTimeout(() => {
          this.blockedUntil.delete(queued.orderKey);
          this.pump();
        }, this.options.scaleMs(delay)),
      );
      this.options.logger.debug(
        { updateId: queued.update.update_id, failure },
        'webhook delivery failed',
      );
    }
    this.options.onChange();
    this.pump();
  }

  private async runWebhookReply(body: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method !== 'string') return;
    await this.options.executeWebhookReply(method, params);
  }

  /** Stops timers, pending polls and webhook requests. */
  close(): void {
    this.closed = true;
    if (this.poller) this.poller.resolve([]);
    for (const timer of this.blockedUntil.values()) clearTimeout(timer);
    this.blockedUntil.clear();
    for (const controller of this.controllers) controller.abort();
  }

  /** Forgets every update and the webhook; update ids keep increasing. */
  reset(): void {
    this.generation += 1;
    if (this.poller) this.poller.resolve([]);
    for (const timer of this.blockedUntil.values()) clearTimeout(timer);
    this.blockedUntil.clear();
    for (const controller of this.controllers) controller.abort();
    this.queue = [];
    this.log.length = 0;
    this.logById.clear();
    this.deliveries.length = 0;
    this.inFlight.clear();
    this.webhookState = undefined;
    this.allowed = new Set(DEFAULT_ALLOWED);
  }
}
