/**
 * Update intake, shared by the webhook route and polling: drops update ids already
 * processed, runs the updates of one chat one after another (in arrival order), and
 * records an update as processed only after its handler committed its work (outbox rows,
 * ledger entries) — or, for a fan's content, inside the handler's own transaction, whose
 * first statement is the record (its unique key is the duplicate check: no look-up first). Handlers are idempotent (dedupe keys derived from the update id), so a
 * crash between the two at worst re-runs a handler harmlessly.
 */
import { BoundedMap } from '../../core/traffic/bounded-set.js';
import { KeyedSerialQueue } from '../../core/traffic/keyed-queue.js';
import { messageKind } from '../../core/relay/message-kind.js';
import { UpdateAlreadyProcessed, type UpdateStore } from '../../core/traffic/ports.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';

/** The parts of a Telegram update the intake looks at. */
export interface IncomingUpdate {
  update_id: number;
  [field: string]: unknown;
}

export type IntakeResult = 'processed' | 'duplicate' | 'failed' | 'gave_up' | 'closed';

export interface UpdateIntakeDeps {
  updates: UpdateStore;
  /** Runs the bot on one update (throws when the handler failed). */
  handle: (update: IncomingUpdate) => Promise<void>;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** After this many failures the update is acknowledged anyway (and reported) to end a poison loop. */
  maxFailures?: number;
  onGiveUp?: (update: IncomingUpdate, err: unknown) => Promise<void> | void;
  /**
   * Updates whose handler records them as processed in its own transaction (a fan's
   * content, by the fan message use case): no look-up before, no record after.
   */
  recordedByHandler?: (update: IncomingUpdate) => boolean;
}

/** A fan's content in their private chat: the fan message use case records its update. */
export function isFanContent(update: IncomingUpdate): boolean {
  const message = update.message as { chat?: { type?: string } } | undefined;
  if (message?.chat?.type !== 'private') return false;
  return messageKind(message as Parameters<typeof messageKind>[0]) === 'content';
}

/** The chat an update belongs to (its ordering key). */
export function orderingKey(update: IncomingUpdate): string {
  for (const field of [
    'message',
    'edited_message',
    'channel_post',
    'edited_channel_post',
    'business_message',
  ]) {
    const chat = (update[field] as { chat?: { id?: number } } | undefined)?.chat;
    if (chat?.id !== undefined) return `chat:${chat.id}`;
  }
  for (const field of ['my_chat_member', 'chat_member', 'chat_join_request', 'message_reaction']) {
    const chat = (update[field] as { chat?: { id?: number } } | undefined)?.chat;
    if (chat?.id !== undefined) return `chat:${chat.id}`;
  }
  const callback = update.callback_query as
    { message?: { chat?: { id?: number } }; from?: { id?: number } } | undefined;
  if (callback?.message?.chat?.id !== undefined) return `chat:${callback.message.chat.id}`;
  for (const field of [
    'callback_query',
    'inline_query',
    'pre_checkout_query',
    'shipping_query',
    'purchased_paid_media',
  ]) {
    const from = (update[field] as { from?: { id?: number } } | undefined)?.from;
    if (from?.id !== undefined) return `chat:${from.id}`;
  }
  return `update:${update.update_id}`;
}

export class UpdateIntake {
  private readonly queue = new KeyedSerialQueue();
  private readonly inflight = new Map<number, Promise<IntakeResult>>();
  /**
   * Failures per update id. Bounded: an update that failed and is never redelivered (its
   * sender gave up) would otherwise stay here for the life of the process.
   */
  private readonly failures = new BoundedMap<number, number>(10_000);
  private closed = false;

  constructor(private readonly deps: UpdateIntakeDeps) {}

  /** Processes one update (resolves when its work is persisted). */
  accept(update: IncomingUpdate): Promise<IntakeResult> {
    if (this.closed) return Promise.resolve('closed');
    const running = this.inflight.get(update.update_id);
    if (running) return running.then((r) => (r === 'processed' ? 'duplicate' : r));
    const promise = this.queue
      .run(orderingKey(update), () => this.process(update))
      .finally(() => this.inflight.delete(update.update_id));
    this.inflight.set(update.update_id, promise);
    return promise;
  }

  /** Stops accepting and waits for what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.drain();
  }

  private async process(update: IncomingUpdate): Promise<IntakeResult> {
    const log = this.deps.logger.child({ updateId: update.update_id });
    const recordedByHandler = this.deps.recordedByHandler?.(update) ?? false;
    if (!recordedByHandler && (await this.deps.updates.isProcessed(update.update_id))) {
      return this.duplicate(log);
    }
    try {
      await this.deps.handle(update);
    } catch (err) {
      if (err instanceof UpdateAlreadyProcessed) return this.duplicate(log);
      const failures = (this.failures.get(update.update_id) ?? 0) + 1;
      this.failures.set(update.update_id, failures);
      if (failures < (this.deps.maxFailures ?? 3)) {
        this.deps.metrics.updates.inc({ result: 'failed' });
        return 'failed';
      }
      this.failures.delete(update.update_id);
      this.deps.metrics.updates.inc({ result: 'gave_up' });
      log.error({ failures }, 'update keeps failing: acknowledged without processing');
      await this.deps.updates.markProcessed(update.update_id);
      await this.deps.onGiveUp?.(update, err);
      return 'gave_up';
    }
    this.failures.delete(update.update_id);
    // A handler that did not reach its transaction (a command, a refusal before it) did not
    // record the update: it is recorded here, as for every other update.
    if (!this.deps.updates.takeRecordedInHandler?.(update.update_id)) {
      await this.deps.updates.markProcessed(update.update_id);
    }
    this.deps.metrics.updates.inc({ result: 'processed' });
    return 'processed';
  }

  private duplicate(log: Logger): IntakeResult {
    this.deps.metrics.updates.inc({ result: 'duplicate' });
    log.debug('duplicate update ignored');
    return 'duplicate';
  }
}
