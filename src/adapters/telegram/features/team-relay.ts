/**
 * A team message in a fan's topic → the fan, at no cost to the fan. Only admins relay
 * (owners and the admins table, never anonymous admins, bots or the service account);
 * messages starting with `/` or `#note` stay internal. A reply to a relayed message is a
 * reply to the original in the fan's chat. With receipts on, the fan sees a chat action
 * (typing, uploading a photo…) while the answer is delivered.
 */
import { messageTypeOf, type MessageShape } from '../../../core/pricing.js';
import { chatActionFor, isInternalTeamMessage } from '../../../core/relay-policy.js';
import { PRIORITY, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import { SERVICE_FIELDS } from '../../../core/relay-policy.js';
import type { Feature } from './index.js';

interface TopicMessage extends MessageShape {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  caption?: string;
  reply_to_message?: { message_id: number };
}

export const teamRelayFeature: Feature = {
  name: 'team-relay',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      const message = ctx.message as unknown as TopicMessage & Record<string, unknown>;
      const threadId = message.message_thread_id;
      if (ctx.chat.id !== deps.adminChatId || !message.is_topic_message || threadId === undefined) {
        return next();
      }
      if (SERVICE_FIELDS.some((field) => field in message)) return next();
      if (ctx.from.id === deps.botInfo.id) return;
      const decision = await deps.admins.check(ctx);
      if (!decision.allowed) return next();
      const fanId = await deps.fans.fanOfTopic(ctx.chat.id, threadId);
      if (fanId === null) return next();
      if (isInternalTeamMessage(message.text ?? message.caption)) return;

      const fx = deps.fan;
      const params: Record<string, unknown> = {
        from_chat_id: ctx.chat.id,
        message_id: message.message_id,
      };
      const replyTo = message.reply_to_message?.message_id;
      // In a topic every message "replies" to the topic's first message; only real replies count.
      if (replyTo !== undefined && replyTo !== threadId) {
        const link = await fx.links.byTopicMessage(ctx.chat.id, replyTo);
        if (link && link.fanId === fanId) {
          params.reply_parameters = {
            message_id: link.fanMessageId,
            allow_sending_without_reply: true,
          };
        }
      }
      const jobs: NewOutboxJob[] = [];
      const settings = await fx.settings.getAll();
      if (settings['relay.receipts']) {
        jobs.push({
          kind: 'receipt',
          target: { type: 'chat', chatId: fanId },
          method: 'sendChatAction',
          params: { action: chatActionFor(messageTypeOf(message)) },
          priority: PRIORITY.teamAnswer,
          fanId,
          dedupeKey: `action:${ctx.update.update_id}`,
        });
      }
      jobs.push({
        kind: 'relay.team',
        target: { type: 'chat', chatId: fanId },
        method: 'copyMessage',
        params,
        priority: PRIORITY.teamAnswer,
        fanId,
        dedupeKey: `relay:team:${ctx.update.update_id}`,
      });
      await deps.outbox.enqueue(jobs);
      deps.wakeOutbox();
    });
  },
};
