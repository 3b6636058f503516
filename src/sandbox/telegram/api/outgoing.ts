/** Storing the bot's own messages: the common path of every send method, and service messages. */
import { badRequest } from '../api-error.js';
import type { TgInlineKeyboardMarkup, TgMessage, TgUser } from '../types.js';
import type { ChatRecord, MessageRecord } from '../world.js';
import { replyTarget, takeRate, targetThread, writableChat } from './access.js';
import type { ApiDeps } from './deps.js';

/** The Message object shown inside another (reply_to_message, pinned_message): one level only. */
export function shallowMessage(message: TgMessage): TgMessage {
  const copy: TgMessage = { ...message };
  delete copy.reply_to_message;
  delete copy.pinned_message;
  return copy;
}

/** Builds and stores an outgoing bot message into a checked chat/thread. */
export function storeMessage(
  { world }: ApiDeps,
  chat: ChatRecord,
  threadId: number | undefined,
  reply: MessageRecord | undefined,
  content: Partial<TgMessage>,
  params: Record<string, unknown>,
  from: TgUser = world.bot,
): MessageRecord {
  const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { from };
  if (threadId !== undefined) {
    fields.message_thread_id = threadId;
    fields.is_topic_message = true;
  }
  const replyTo =
    reply?.message ?? (threadId !== undefined ? world.topicRoot(chat, threadId) : undefined);
  if (replyTo) fields.reply_to_message = shallowMessage(replyTo);
  if (params.protect_content === true) fields.has_protected_content = true;
  Object.assign(fields, content);
  const markup = params.reply_markup as Record<string, unknown> | undefined;
  if (markup && 'inline_keyboard' in markup)
    fields.reply_markup = markup as unknown as TgInlineKeyboardMarkup;
  const record = world.addMessage(chat, fields);
  if (markup && !('inline_keyboard' in markup)) record.replyKeyboard = markup;
  return record;
}

/** The common path of every send method. */
export function send(
  deps: ApiDeps,
  params: Record<string, unknown>,
  buildContent: (chat: ChatRecord) => Partial<TgMessage>,
): TgMessage {
  const chat = writableChat(deps, params.chat_id);
  let threadId = targetThread(deps, chat, params.message_thread_id as number | undefined);
  const content = buildContent(chat);
  const reply = replyTarget(deps, chat, params);
  if (reply) {
    const replyThread = reply.message.message_thread_id;
    if (threadId !== undefined && replyThread !== threadId)
      throw badRequest('message to be replied not found');
    threadId = reply.message.is_topic_message ? replyThread : undefined;
  }
  takeRate(deps, chat, 1);
  return storeMessage(deps, chat, threadId, reply, content, params).message;
}

/** A service message from the bot (pins, topic edits), inside its topic when it has one. */
export function serviceMessage(
  { world }: ApiDeps,
  chat: ChatRecord,
  threadId: number | undefined,
  content: Partial<TgMessage>,
): MessageRecord {
  const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = {
    from: world.bot,
    ...content,
  };
  if (threadId !== undefined) {
    fields.message_thread_id = threadId;
    fields.is_topic_message = true;
    const root = world.topicRoot(chat, threadId);
    if (root) fields.reply_to_message = shallowMessage(root);
  }
  return world.addMessage(chat, fields);
}
