/**
 * Edited messages follow the rules of messages.
 *
 * A fan's edit of a message that reached their topic is shown there as a new message,
 * "✏️ Edited:" and the new text, replying to the copy (the copy itself is the bot's message
 * with the old content, and the team may already have answered it); it is free, and split
 * over several messages when it is longer than Telegram allows. An edit of a message that
 * never reached the topic (refused: no credits, banned…) is a new message: the fan message
 * use case charges and relays it, or refuses it — never relayed for free. A banned or
 * frozen fan's edits are ignored. (Live-location moves are `live-location.ts`'s.)
 *
 * A team member's edit of an answer is applied to the fan's copy: the text, the caption, or
 * the media itself when it was replaced (editMessageMedia carries the caption too).
 */
import type { Context } from 'telegraf';
import { messageTypeOf, type MessageShape } from '../../../core/pricing.js';
import { editNoticeParts, type AnyEntity } from '../../../core/relay/edit-notice.js';
import { messageKind } from '../../../core/relay/message-kind.js';
import { isInternalTeamMessage } from '../../../core/relay/policy.js';
import { PRIORITY, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import { inAdminGroup, type BotDeps, type Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

interface FileRef {
  file_id: string;
}

interface EditedMessage extends MessageShape {
  message_id: number;
  date: number;
  edit_date?: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
  caption?: string;
  entities?: AnyEntity[];
  caption_entities?: AnyEntity[];
  location?: unknown;
  photo?: FileRef[];
  video?: FileRef;
  animation?: FileRef;
  audio?: FileRef;
  document?: FileRef;
}

type Sender = NonNullable<Context['from']>;

/**
 * The edit's identity: the message, its edit time and the update (a redelivery repeats all
 * three; two edits within one second differ by update id, and restarted update ids never
 * meet the same message and edit time).
 */
function editKey(chatId: number, message: EditedMessage, updateId: number): string {
  return `${chatId}:${message.message_id}:${message.edit_date ?? message.date}:${updateId}`;
}

/** The "✏️ Edited:" notices of a fan's edit, replying to the copy when it is known. */
function editNotices(
  deps: BotDeps,
  fanId: number,
  updateId: number,
  message: EditedMessage,
  copy: number | null,
): NewOutboxJob[] {
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const newText = message.text ?? message.caption;
  const label = t(newText === undefined ? 'topic.edited_media' : 'topic.edited');
  const own = message.entities ?? message.caption_entities ?? [];
  const parts = editNoticeParts(label, newText, own);
  return parts.map((part, i) => {
    const params: Record<string, unknown> =
      part.entities.length > 0 ? { text: part.text, entities: part.entities } : { text: part.text };
    if (copy !== null && i === 0)
      params.reply_parameters = { message_id: copy, allow_sending_without_reply: true };
    return {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params,
      priority: PRIORITY.fan,
      fanId,
      dedupeKey: `edit:fan:${editKey(fanId, message, updateId)}:${i}`,
    };
  });
}

/** A fan edited a message in their private chat. */
async function fanEdited(
  deps: BotDeps,
  from: Sender,
  updateId: number,
  message: EditedMessage,
): Promise<void> {
  if (message.location !== undefined || messageKind(message) !== 'content') return;
  const fanId = from.id;
  const account = await deps.fan.accounts.get(fanId);
  if (account?.banned || account?.frozen) return;
  const copy = await deps.fan.links.topicCopyOf(fanId, message.message_id);
  if (copy === null) {
    // Never reached the topic: handled as a new message (charged and relayed, or refused).
    const { outcome } = await deps.relay.fanMessage({
      profile: profileOf(from),
      updateId,
      messageId: message.message_id,
      type: messageTypeOf(message),
    });
    // Paid for before and still on its way: its copy may show the old text, say so.
    if (outcome.kind !== 'relayed' || !outcome.duplicate) return;
  }
  await deps.outbox.enqueue(editNotices(deps, fanId, updateId, message, copy));
  deps.wakeOutbox();
}

/** The InputMedia of a team message's media (its caption rides along), if it has any. */
function inputMediaOf(message: EditedMessage): Record<string, unknown> | null {
  const file =
    (message.photo && { type: 'photo', ref: message.photo[message.photo.length - 1] }) ||
    (message.animation && { type: 'animation', ref: message.animation }) ||
    (message.video && { type: 'video', ref: message.video }) ||
    (message.audio && { type: 'audio', ref: message.audio }) ||
    (message.document && { type: 'document', ref: message.document }) ||
    null;
  if (!file?.ref) return null;
  return {
    type: file.type,
    media: file.ref.file_id,
    ...(message.caption !== undefined ? { caption: message.caption } : {}),
    ...(message.caption_entities ? { caption_entities: message.caption_entities } : {}),
  };
}

/** The call that applies a team edit to the fan's copy. */
function teamEditCall(message: EditedMessage): { method: string; params: Record<string, unknown> } {
  if (message.text !== undefined) {
    const entities = message.entities ? { entities: message.entities } : {};
    return { method: 'editMessageText', params: { text: message.text, ...entities } };
  }
  // The media may have been replaced (or only the caption changed): editMessageMedia does both.
  const media = inputMediaOf(message);
  if (media) return { method: 'editMessageMedia', params: { media } };
  const entities = message.caption_entities ? { caption_entities: message.caption_entities } : {};
  return { method: 'editMessageCaption', params: { caption: message.caption ?? '', ...entities } };
}

/** A team member edited their answer in a topic. */
async function teamEdited(
  deps: BotDeps,
  chatId: number,
  updateId: number,
  message: EditedMessage,
): Promise<void> {
  const link = await deps.fan.links.byTopicMessage(chatId, message.message_id);
  if (!link || link.direction !== 'team') return;
  if (isInternalTeamMessage(message.text ?? message.caption)) return;
  const edit = teamEditCall(message);
  await deps.outbox.enqueue([
    {
      kind: 'edit.team',
      target: { type: 'chat', chatId: link.fanId },
      method: edit.method,
      params: { message_id: link.fanMessageId, ...edit.params },
      priority: PRIORITY.teamAnswer,
      fanId: link.fanId,
      dedupeKey: `edit:team:${editKey(chatId, message, updateId)}`,
    },
  ]);
  deps.wakeOutbox();
}

export const editsFeature: Feature = {
  name: 'edits',
  register(bot, deps) {
    bot.on('edited_message', async (ctx, next) => {
      const message = ctx.editedMessage as unknown as EditedMessage;
      if (ctx.chat.type === 'private') {
        return fanEdited(deps, ctx.from, ctx.update.update_id, message);
      }
      if (!inAdminGroup(deps, ctx.chat.id) || !message.is_topic_message) return next();
      if (!(await deps.admins.permit(ctx, 'inbox:reply'))) return next();
      await teamEdited(deps, ctx.chat.id, ctx.update.update_id, message);
    });
  },
};
