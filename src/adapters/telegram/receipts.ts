/**
 * After the outbox delivered relays: remember which message is the copy of which (edits,
 * replies) and show the fan receipts — 👀 on their message once it reached the team, 👍 on
 * their latest message once the team's answer reached them. Receipts can be turned off
 * (`relay.receipts`); reactions do not count against Telegram's send limits.
 */
import type { SettingsStore } from '../../config/settings-store.js';
import type { MessageLink, MessageLinks } from '../../core/fan-account.js';
import type { Logger } from '../../core/logger.js';
import { RECEIPT_REACTIONS } from '../../core/relay/policy.js';
import { snippetSourceOf } from '../../core/snippets/snippet.js';
import {
  PRIORITY,
  type NewOutboxJob,
  type OutboxJob,
  type OutboxStore,
} from '../../core/traffic/outbox.js';

export interface DeliveryHookDeps {
  links: MessageLinks;
  outbox: Pick<OutboxStore, 'enqueue'>;
  settings: Pick<SettingsStore, 'getAll'>;
  logger: Logger;
  wake: () => void;
}

/** A reaction job on a message of the fan's private chat. */
export function reactionJob(
  fanId: number,
  messageId: number,
  emoji: string,
  key: string,
): NewOutboxJob {
  return {
    kind: 'receipt',
    target: { type: 'chat', chatId: fanId },
    method: 'setMessageReaction',
    params: { message_id: messageId, reaction: [{ type: 'emoji', emoji }] },
    priority: PRIORITY.background,
    fanId,
    dedupeKey: key,
  };
}

/** Builds the outbox worker's `onDelivered` hook. */
export function createDeliveryHook(deps: DeliveryHookDeps) {
  return async function onDelivered(
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ): Promise<void> {
    const links: MessageLink[] = [];
    const receipts: NewOutboxJob[] = [];
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
        receipts.push(
          reactionJob(
            fanId,
            sourceId,
            RECEIPT_REACTIONS.delivered,
            `receipt:seen:${fanId}:${sourceId}`,
          ),
        );
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
      await deps.links.record(links);
      const settings = await deps.settings.getAll();
      if (!settings['relay.receipts']) return;
      for (const fanId of answered) {
        const latest = await deps.links.latestFanMessage(fanId);
        if (latest !== null) {
          receipts.push(
            reactionJob(
              fanId,
              latest,
              RECEIPT_REACTIONS.answered,
              `receipt:answered:${fanId}:${latest}`,
            ),
          );
        }
      }
      if (receipts.length > 0) {
        await deps.outbox.enqueue(receipts);
        deps.wake();
      }
    } catch (err) {
      deps.logger.warn({ err }, 'could not record relay links or receipts');
    }
  };
}
