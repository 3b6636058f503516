/**
 * The checks every method makes before it changes anything, in Telegram's order: the target chat,
 * the bot's membership, the topic, the message replied to, then the flood limits.
 */
import { badRequest, forbidden, tooManyRequests } from '../api-error.js';
import type { ChatRecord, MessageRecord, TopicRecord } from '../world.js';
import type { ApiDeps } from './deps.js';

export const chatRef = (value: unknown): number | string =>
  typeof value === 'number' ? value : String(value);

/** A chat the bot can see, or 400 chat not found / 403 for users who never started it. */
export function knownChat({ world }: ApiDeps, ref: unknown): ChatRecord {
  const key = chatRef(ref);
  const chat = world.findChat(key);
  if (chat) return chat;
  if (typeof key === 'number' && world.users.has(key) && key !== world.bot.id) {
    throw forbidden("bot can't initiate conversation with a user");
  }
  throw badRequest('chat not found');
}

export function requireMembership({ world }: ApiDeps, chat: ChatRecord): void {
  if (chat.chat.type === 'private') return;
  const status = world.botMember(chat).status;
  if (status === 'kicked') throw forbidden('bot was kicked from the supergroup chat');
  if (status === 'left') throw forbidden('bot is not a member of the supergroup chat');
}

/** A known chat the bot is still a member of. */
export function memberChat(deps: ApiDeps, ref: unknown): ChatRecord {
  const chat = knownChat(deps, ref);
  requireMembership(deps, chat);
  return chat;
}

/** A chat the bot may post into. */
export function writableChat(deps: ApiDeps, ref: unknown): ChatRecord {
  const chat = knownChat(deps, ref);
  if (chat.chat.type === 'private') {
    if (chat.blocked) throw forbidden('bot was blocked by the user');
    if (!chat.started) throw forbidden("bot can't initiate conversation with a user");
    return chat;
  }
  requireMembership(deps, chat);
  if (deps.world.botMember(chat).status === 'restricted')
    throw badRequest('not enough rights to send text messages to the chat');
  return chat;
}

export function requireForum(chat: ChatRecord): void {
  if (chat.chat.type === 'private') throw badRequest('chat is not a forum');
  if (!chat.chat.is_forum) throw badRequest('the chat is not a forum');
}

/** A live topic addressed by a topic method (the General topic can't be). */
export function existingTopic(chat: ChatRecord, threadId: number): TopicRecord {
  const topic = chat.topics.get(threadId);
  if (!topic || topic.deleted) throw badRequest('message thread not found');
  if (threadId === 1) throw badRequest('TOPIC_ID_INVALID');
  return topic;
}

/** The forum chat and the topic of `message_thread_id`, for the topic methods. */
export function forumTopic(
  deps: ApiDeps,
  params: Record<string, unknown>,
): { chat: ChatRecord; topic: TopicRecord } {
  const chat = memberChat(deps, params.chat_id);
  requireForum(chat);
  return { chat, topic: existingTopic(chat, params.message_thread_id as number) };
}

/** The topic a message goes to (undefined: the chat itself / General topic). */
export function targetThread(
  { world }: ApiDeps,
  chat: ChatRecord,
  threadId: number | undefined,
): number | undefined {
  if (threadId === undefined) return undefined;
  const topic = chat.topics.get(threadId);
  // The General topic can't be addressed by id 1: omit message_thread_id instead.
  if (!chat.chat.is_forum || !topic || topic.deleted || threadId === 1) {
    throw badRequest('message thread not found');
  }
  if (topic.closed && !world.botHasRight(chat, 'can_manage_topics'))
    throw badRequest('TOPIC_CLOSED');
  return threadId;
}

/** The message a send replies to (reply_parameters or the legacy reply_to_message_id). */
export function replyTarget(
  { world }: ApiDeps,
  chat: ChatRecord,
  params: Record<string, unknown>,
): MessageRecord | undefined {
  const replyParameters = params.reply_parameters as Record<string, unknown> | undefined;
  const messageId = (replyParameters?.message_id ?? params.reply_to_message_id) as
    number | undefined;
  if (messageId === undefined) return undefined;
  const allowWithout = Boolean(
    replyParameters?.allow_sending_without_reply ?? params.allow_sending_without_reply,
  );
  let source = chat;
  if (replyParameters?.chat_id !== undefined) {
    const other = world.findChat(chatRef(replyParameters.chat_id));
    if (!other) throw badRequest('chat not found');
    source = other;
  }
  const record = source === chat ? world.message(chat, messageId) : undefined;
  if (!record) {
    if (allowWithout) return undefined;
    throw badRequest('message to be replied not found');
  }
  return record;
}

/** Counts `count` messages against the flood limits, or 429. */
export function takeRate(
  { limiter }: ApiDeps,
  chat: ChatRecord,
  count: number,
  groupOnly = false,
): void {
  const retryAfter = limiter.take(
    { chatId: chat.chat.id, isPrivate: chat.chat.type === 'private' },
    count,
    groupOnly,
  );
  if (retryAfter > 0) throw tooManyRequests(retryAfter);
}
