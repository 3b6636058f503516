/**
 * Edited messages. A fan's edit is shown in their topic as a new message, "✏️ Edited:" and
 * the new text, replying to the copy of the original (the copy itself cannot be edited: it
 * is the bot's message with the old content, and the team may already have answered it).
 * Edits are free. A team member's edit of an answer is applied to the fan's copy.
 */
import { TextBuilder, textParams, type TextEntity } from '../../../core/formatted-text.js';
import { isInternalTeamMessage } from '../../../core/relay/policy.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { Feature } from '../bot-deps.js';

interface EditedMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  caption?: string;
  entities?: TextEntity[];
  caption_entities?: TextEntity[];
}

export const editsFeature: Feature = {
  name: 'edits',
  register(bot, deps) {
    bot.on('edited_message', async (ctx, next) => {
      const message = ctx.editedMessage as unknown as EditedMessage;
      const fx = deps.fan;
      if (ctx.chat.type === 'private') {
        const fanId = ctx.from.id;
        const t = fx.templates.forLanguage(fx.adminLanguage);
        const copy = await fx.links.topicCopyOf(fanId, message.message_id);
        const newText = message.text ?? message.caption;
        const builder = new TextBuilder().italic(
          t(newText === undefined ? 'topic.edited_media' : 'topic.edited'),
        );
        let formatted = builder.build();
        if (newText !== undefined) {
          builder.newline();
          const offset = builder.build().text.length;
          formatted = builder.plain(newText).build();
          // The fan's own formatting, shifted behind the label.
          const own = (message.entities ?? message.caption_entities ?? []).map((e) => ({
            ...e,
            offset: e.offset + offset,
          }));
          formatted = { text: formatted.text, entities: [...formatted.entities, ...own] };
        }
        const params: Record<string, unknown> = textParams(formatted);
        if (copy !== null)
          params.reply_parameters = { message_id: copy, allow_sending_without_reply: true };
        await deps.outbox.enqueue([
          {
            kind: 'notice.topic',
            target: { type: 'topic', chatId: deps.adminChatId, fanId },
            method: 'sendMessage',
            params,
            priority: PRIORITY.fan,
            fanId,
            dedupeKey: `edit:fan:${ctx.update.update_id}`,
          },
        ]);
        deps.wakeOutbox();
        return;
      }
      if (ctx.chat.id !== deps.adminChatId || !message.is_topic_message) return next();
      const decision = await deps.admins.check(ctx);
      if (!decision.allowed) return next();
      const link = await fx.links.byTopicMessage(ctx.chat.id, message.message_id);
      if (!link || link.direction !== 'team') return;
      if (isInternalTeamMessage(message.text ?? message.caption)) return;
      const edit =
        message.text !== undefined
          ? {
              method: 'editMessageText',
              params: {
                text: message.text,
                ...(message.entities ? { entities: message.entities } : {}),
              },
            }
          : {
              method: 'editMessageCaption',
              params: {
                caption: message.caption ?? '',
                ...(message.caption_entities ? { caption_entities: message.caption_entities } : {}),
              },
            };
      await deps.outbox.enqueue([
        {
          kind: 'edit.team',
          target: { type: 'chat', chatId: link.fanId },
          method: edit.method,
          params: { message_id: link.fanMessageId, ...edit.params },
          priority: PRIORITY.teamAnswer,
          fanId: link.fanId,
          dedupeKey: `edit:team:${ctx.update.update_id}`,
        },
      ]);
      deps.wakeOutbox();
    });
  },
};
