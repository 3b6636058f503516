/**
 * A fan's reaction in their private chat is shown in their topic: the bot sets the same
 * emoji on the topic message behind the one the fan reacted to (the team's answer, or the
 * copy of the fan's own message), and clears it when the fan takes it back. Reactions cost
 * no group budget. Custom and paid reactions are not shown (a bot cannot set them).
 */
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { Feature } from '../bot-deps.js';

interface ReactionUpdate {
  chat: { id: number; type: string };
  message_id: number;
  user?: { id: number };
  date: number;
  new_reaction: Array<{ type: string; emoji?: string }>;
}

export const reactionsFeature: Feature = {
  name: 'reactions',
  register(bot, deps) {
    bot.on('message_reaction', async (ctx, next) => {
      const update = ctx.update.message_reaction as unknown as ReactionUpdate;
      const fanId = update.user?.id;
      if (update.chat.type !== 'private' || fanId !== update.chat.id) return next();
      const account = await deps.fan.accounts.get(fanId);
      if (!account || account.banned) return;
      const target = await deps.fan.links.topicMessageOf(fanId, update.message_id);
      if (target === null) return;
      const emoji = update.new_reaction.find((r) => r.type === 'emoji' && r.emoji)?.emoji;
      await deps.outbox.enqueue([
        {
          kind: 'receipt',
          // The topic's own group (a fan may live in an overflow group).
          target: { type: 'chat', chatId: account.topic?.chatId ?? deps.adminChatId },
          method: 'setMessageReaction',
          params: {
            message_id: target,
            reaction: emoji === undefined ? [] : [{ type: 'emoji', emoji }],
          },
          priority: PRIORITY.background,
          dedupeKey: `reaction:fan:${fanId}:${update.message_id}:${update.date}:${ctx.update.update_id}`,
        },
      ]);
      deps.wakeOutbox();
    });
  },
};
