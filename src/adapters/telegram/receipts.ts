/**
 * After the outbox delivered relays: remember which message is the copy of which (edits,
 * replies) and show the fan receipts — 👀 on their message once it reached the team, 👍 on
 * their latest message once the team's answer reached them. Receipts can be turned off
 * (`relay.receipts`); reactions do not count against Telegram's send limits.
 *
 * A receipt is a courtesy, not paid work: it is never a durable outbox job (no claim, no
 * status rows). A delivered batch hands its reactions to `ReceiptSender` in memory, after
 * the relays were marked sent; it sends them through the sender with a few calls in flight
 * of its own, so receipts never queue behind balance bars or other fan notices. A restart
 * loses the receipts not yet shown, never a message.
 */
import type { SettingsStore } from '../../config/settings-store.js';
import type { MessageLink, MessageLinks } from '../../core/fan-account.js';
import type { Logger } from '../../core/logger.js';
import { RECEIPT_REACTIONS } from '../../core/relay/policy.js';
import { snippetSourceOf } from '../../core/snippets/snippet.js';
import type { OutboxJob } from '../../core/traffic/outbox.js';
import type { TelegramSender } from './sender.js';

export interface DeliveryHookDeps {
  links: MessageLinks;
  receipts: Pick<ReceiptSender, 'add'>;
  settings: Pick<SettingsStore, 'get'>;
  logger: Logger;
}

/** A reaction to show on a message of a fan's private chat. */
export interface Receipt {
  fanId: number;
  messageId: number;
  emoji: string;
}

export interface ReceiptSenderDeps {
  sender: Pick<TelegramSender, 'send'>;
  logger: Logger;
  /** Reactions in flight at once (default 8). */
  concurrency?: number;
  /** Receipts waiting at most; beyond it the oldest are dropped (default 10,000). */
  maxQueued?: number;
}

/**
 * Sends receipts from memory, a few calls at a time, one call per fan at a time so a fan's
 * reactions land in the order they were asked for. Coalesced per message: a reaction asked
 * for a message whose earlier one has not left yet replaces it (the 👍 of an answer over the
 * 👀 of the same message). Coalesced per burst (issue 17): a fan's reaction replaces the
 * queued ones of the same kind on their earlier messages, and a 👍 the queued 👀 before it —
 * a fan who sent several messages while one reaction was on its way sees 👀 on the latest
 * of them, as a chat shows "seen" on the latest message, for one call instead of one per
 * message. A failed reaction (the fan blocked the bot, the message is gone) is logged and
 * dropped.
 */
export class ReceiptSender {
  /** Per fan, in the order fans were first queued: message id → emoji. */
  private readonly queue = new Map<number, Map<number, string>>();
  private readonly busy = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private queued = 0;

  constructor(private readonly deps: ReceiptSenderDeps) {
    this.concurrency = deps.concurrency ?? 8;
    this.maxQueued = deps.maxQueued ?? 10_000;
  }

  /** Queues the receipts of a delivered batch; they leave at once when a call is free. */
  add(receipts: readonly Receipt[]): void {
    for (const r of receipts) {
      let messages = this.queue.get(r.fanId);
      if (!messages) this.queue.set(r.fanId, (messages = new Map()));
      if (this.covered(messages, r)) continue;
      for (const [messageId, emoji] of messages) {
        if (messageId < r.messageId && coveredBy(emoji, r.emoji)) {
          messages.delete(messageId);
          this.queued--;
        }
      }
      if (!messages.has(r.messageId)) this.queued++;
      messages.set(r.messageId, r.emoji);
      if (this.queued > this.maxQueued) this.dropOldest();
    }
    this.pump();
  }

  /** Whether a reaction queued on a later message of the fan stands for `r` already. */
  private covered(messages: ReadonlyMap<number, string>, r: Receipt): boolean {
    for (const [messageId, emoji] of messages) {
      if (messageId > r.messageId && coveredBy(r.emoji, emoji)) return true;
    }
    return false;
  }

  /** Receipts queued and not sent yet. */
  get waiting(): number {
    return this.queued;
  }

  /** Sends what is queued and waits for it (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private dropOldest(): void {
    const [fanId, messages] = this.queue.entries().next().value as [number, Map<number, string>];
    const first = messages.keys().next().value;
    if (first !== undefined) messages.delete(first);
    if (messages.size === 0) this.queue.delete(fanId);
    this.queued--;
  }

  /** The next receipt of a fan with no call in flight, taken off the queue. */
  private next(): Receipt | undefined {
    for (const [fanId, messages] of this.queue) {
      if (this.busy.has(fanId)) continue;
      const [messageId, emoji] = messages.entries().next().value as [number, string];
      messages.delete(messageId);
      if (messages.size === 0) this.queue.delete(fanId);
      this.queued--;
      return { fanId, messageId, emoji };
    }
    return undefined;
  }

  private pump(): void {
    while (this.inFlight.size < this.concurrency) {
      const receipt = this.next();
      if (!receipt) return;
      this.busy.add(receipt.fanId);
      const call: Promise<void> = this.send(receipt).finally(() => {
        this.busy.delete(receipt.fanId);
        this.inFlight.delete(call);
        this.pump();
      });
      this.inFlight.add(call);
    }
  }

  private async send(r: Receipt): Promise<void> {
    try {
      await this.deps.sender.send(
        'setMessageReaction',
        {
          chat_id: r.fanId,
          message_id: r.messageId,
          reaction: [{ type: 'emoji', emoji: r.emoji }],
        },
        { maxAttempts: 3, maxWaitMs: 60_000 },
      );
    } catch (err) {
      this.deps.logger.debug({ err, fanId: r.fanId }, 'receipt not shown');
    }
  }
}

/**
 * Whether a queued reaction `earlier` on an earlier message is made redundant by `later`
 * on a later one: the same reaction, or 👀 ("it reached the team") under a 👍 ("the team
 * answered", which says it reached them).
 */
function coveredBy(earlier: string, later: string): boolean {
  return earlier === later || earlier === RECEIPT_REACTIONS.delivered;
}

/** Builds the outbox worker's `onDelivered` hook. */
export function createDeliveryHook(deps: DeliveryHookDeps) {
  return async function onDelivered(
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ): Promise<void> {
    const links: MessageLink[] = [];
    const receipts: Receipt[] = [];
    const answered = new Set<number>();
    for (const [i, job] of jobs.entries()) {
      const copyId = messageIds[i];
      // A saved reply is sent, not copied: its source is the team's `/s` message.
      const source = snippetSourceOf(job.dedupeKey) ?? job.params;
      const sourceId = source.message_id;
      const fromChat = source.from_chat_id;
      if (
        typeof copyId !== 'number' ||
        typeof sourceId !== 'number' ||
        typeof fromChat !== 'number'
      )
        continue;
      if (job.kind === 'relay.fan' && job.target.type === 'topic') {
        const fanId = job.target.fanId;
        links.push({
          fanId,
          direction: 'fan',
          fanMessageId: sourceId,
          topicChatId: job.target.chatId,
          topicMessageId: copyId,
        });
        receipts.push({ fanId, messageId: sourceId, emoji: RECEIPT_REACTIONS.delivered });
      } else if (job.kind === 'relay.team' && job.target.type === 'chat') {
        const fanId = job.target.chatId;
        links.push({
          fanId,
          direction: 'team',
          fanMessageId: copyId,
          topicChatId: fromChat,
          topicMessageId: sourceId,
        });
        answered.add(fanId);
      }
    }
    if (links.length === 0) return;
    try {
      const shown = await deps.settings.get('relay.receipts');
      // 👀 leave at once: they wait neither for the links' write (behind the intake's
      // transactions on SQLite's one connection) nor are lost with it.
      if (shown && receipts.length > 0) deps.receipts.add(receipts);
      await deps.links.record(links);
      if (!shown || answered.size === 0) return;
      const thumbs: Receipt[] = [];
      for (const fanId of answered) {
        const latest = await deps.links.latestFanMessage(fanId);
        if (latest !== null) {
          thumbs.push({ fanId, messageId: latest, emoji: RECEIPT_REACTIONS.answered });
        }
      }
      if (thumbs.length > 0) deps.receipts.add(thumbs);
    } catch (err) {
      deps.logger.warn({ err }, 'could not record relay links or receipts');
    }
  };
}
