/**
 * Keeps each fan topic's icon on its state (core/response-time/topic-state.ts): 🔥 waiting,
 * 🔒 claimed, 💎 VIP. Run by the response-alerts job each minute: at most `perRun` edits,
 * each through the outbox at the lowest priority, never two pending for one topic — so
 * icons never crowd out answers or eat the admin group's budget. The icons' custom emoji
 * ids come from getForumTopicIconStickers (asked once); an emoji Telegram does not offer is
 * skipped.
 */
import type { Logger } from '../../../../core/logger.js';
import {
  TOPIC_STATE_EMOJI,
  iconChanges,
  topicStateOf,
  type TopicStateStore,
} from '../../../../core/response-time/topic-state.js';
import { PRIORITY, type OutboxStore } from '../../../../core/traffic/outbox.js';
import type { TelegramSender } from '../../sender.js';

export interface TopicStatesDeps {
  store: TopicStateStore;
  outbox: Pick<OutboxStore, 'enqueue'>;
  sender: Pick<TelegramSender, 'send'>;
  adminChatId: number;
  logger: Logger;
  /** Icon edits per run (default 5). */
  perRun?: number;
}

/** Strips the variation selector, so `⭐️` and `⭐` match. */
function bare(emoji: string): string {
  return emoji.replace(/\uFE0F/g, '');
}

export function createTopicStates(deps: TopicStatesDeps) {
  let icons: Map<string, string> | undefined;
  async function iconIds(): Promise<Map<string, string>> {
    if (icons) return icons;
    const stickers = await deps.sender.send<{ emoji?: string; custom_emoji_id?: string }[]>(
      'getForumTopicIconStickers',
      {},
      { maxAttempts: 2 },
    );
    icons = new Map(
      stickers.flatMap((s) =>
        s.emoji && s.custom_emoji_id ? [[bare(s.emoji), s.custom_emoji_id]] : [],
      ),
    );
    return icons;
  }
  return {
    /** Queues the icon edits due at `now`; the number queued. */
    async sync(now: Date): Promise<number> {
      const changes = iconChanges(await deps.store.candidates(), deps.perRun ?? 5);
      if (changes.length === 0) return 0;
      const ids = await iconIds();
      let queued = 0;
      for (const row of changes) {
        if (await deps.store.pending(row.fanId)) continue;
        const state = topicStateOf(row);
        const id = state === null ? '' : ids.get(bare(TOPIC_STATE_EMOJI[state]));
        if (id === undefined) {
          // Telegram offers no such icon: remember the state, so it is not asked again.
          await deps.store.mark(row.fanId, state, now);
          continue;
        }
        await deps.outbox.enqueue([
          {
            kind: 'topic.icon',
            target: { type: 'topic', chatId: deps.adminChatId, fanId: row.fanId },
            method: 'editForumTopic',
            params: { icon_custom_emoji_id: id },
            priority: PRIORITY.background,
            fanId: row.fanId,
            dedupeKey: `topic_icon:${row.fanId}:${now.getTime()}`,
          },
        ]);
        await deps.store.mark(row.fanId, state, now);
        queued += 1;
      }
      return queued;
    },
  };
}
