/**
 * A team message in a fan's topic → the team reply use case (core/relay). Only team
 * members with `inbox:reply` relay (never anonymous admins, bots or the service account);
 * the collision guard (features/team/held.ts) may hold the message first. This feature
 * checks who wrote and translates the Update.
 */
import { messageTypeOf, type MessageShape } from '../../../core/pricing.js';
import { messageKind } from '../../../core/relay/message-kind.js';
import { inAdminGroup, type Feature } from '../bot-deps.js';
import { guardTeamMessage } from './team/held.js';
import { recordTeamAnswer } from './snippets/answers.js';

interface TopicMessage extends MessageShape {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  caption?: string;
  reply_to_message?: { message_id: number };
  forward_origin?: unknown;
  media_group_id?: string;
}

export const teamRelayFeature: Feature = {
  name: 'team-relay',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      const message = ctx.message as TopicMessage;
      const threadId = message.message_thread_id;
      // Any admin group: a fan in an overflow group is answered from there.
      if (!inAdminGroup(deps, ctx.chat.id) || !message.is_topic_message || threadId === undefined) {
        return next();
      }
      if (messageKind(message) === 'service') return next();
      if (ctx.from.id === deps.botInfo.id) return;
      const actor = await deps.admins.permit(ctx, 'inbox:reply');
      if (!actor) return next();
      const input = {
        updateId: ctx.update.update_id,
        chatId: ctx.chat.id,
        threadId,
        messageId: message.message_id,
        type: messageTypeOf(message),
        textOrCaption: message.text ?? message.caption,
        replyToMessageId: message.reply_to_message?.message_id,
        forwarded: message.forward_origin !== undefined,
        mediaGroupId: message.media_group_id,
      };
      if (!(await guardTeamMessage(deps, actor, input))) return;
      const result = await deps.relay.teamReply(input);
      if (result === 'not_a_fan_topic') return next();
      if (result === 'relayed')
        await recordTeamAnswer(deps, ctx.from.id, threadId, ctx.update.update_id);
    });
  },
};
