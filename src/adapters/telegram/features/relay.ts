/**
 * The relay backbone: a fan's private message is copied into their topic, a team member's
 * message in a fan's topic is copied to the fan. Both are persisted in the outbox before
 * the update is acknowledged; the dedupe key (the update id) makes a redelivered update
 * harmless. Charging credits for a relay belongs to the relay/credits feature, which
 * wraps this one.
 */
import { PRIORITY, fanPriority } from '../../../core/traffic/outbox.js';
import { SERVICE_FIELDS } from '../../../core/relay-policy.js';
import type { Feature } from './index.js';

export const relayFeature: Feature = {
  name: 'relay',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      const message = ctx.message as unknown as Record<string, unknown> & {
        message_id: number;
        message_thread_id?: number;
        is_topic_message?: boolean;
      };
      if (SERVICE_FIELDS.some((field) => field in message)) return next();

      if (ctx.chat.type === 'private') {
        // Commands (/start, /balance…) are for the bot, not the team.
        const first = (
          message.entities as Array<{ type: string; offset: number }> | undefined
        )?.[0];
        if (first?.type === 'bot_command' && first.offset === 0) return next();
        const from = ctx.from;
        await deps.fans.ensure({
          id: from.id,
          firstName: from.first_name,
          lastName: from.last_name ?? null,
          username: from.username ?? null,
          languageCode: from.language_code ?? null,
        });
        const standing = await deps.fans.standing(from.id);
        await deps.outbox.enqueue([
          {
            kind: 'relay.fan',
            target: { type: 'topic', chatId: deps.adminChatId, fanId: from.id },
            method: 'copyMessage',
            params: { from_chat_id: ctx.chat.id, message_id: message.message_id },
            priority: fanPriority(standing ?? {}),
            fanId: from.id,
            dedupeKey: `relay:fan:${ctx.update.update_id}`,
          },
        ]);
        deps.wakeOutbox();
        return;
      }

      if (
        ctx.chat.id !== deps.adminChatId ||
        !message.is_topic_message ||
        message.message_thread_id === undefined
      ) {
        return next();
      }
      if (ctx.from.id === deps.botInfo.id) return;
      const decision = await deps.admins.check(ctx);
      if (!decision.allowed) return next();
      const fanId = await deps.fans.fanOfTopic(ctx.chat.id, message.message_thread_id);
      if (fanId === null) return next();
      await deps.outbox.enqueue([
        {
          kind: 'relay.team',
          target: { type: 'chat', chatId: fanId },
          method: 'copyMessage',
          params: { from_chat_id: ctx.chat.id, message_id: message.message_id },
          priority: PRIORITY.teamAnswer,
          fanId,
          dedupeKey: `relay:team:${ctx.update.update_id}`,
        },
      ]);
      deps.wakeOutbox();
    });
  },
};
