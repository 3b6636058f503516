/** Updates for messages users post: what a bot in privacy mode gets to see. */
import type { TgMessage, TgUpdate, UpdateKind } from '../types.js';
import type { ChatRecord, MessageRecord } from '../world.js';
import type { ApiDeps } from './deps.js';

/** Fields that make a message a service message. */
export const SERVICE_FIELDS: (keyof TgMessage)[] = [
  'pinned_message',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'successful_payment',
  'refunded_payment',
];

/** Emits an update for a message a user posted, if the bot can see it (privacy mode). */
export function deliverIncoming(
  deps: ApiDeps,
  chat: ChatRecord,
  record: MessageRecord,
  kind: UpdateKind = 'message',
): TgUpdate | undefined {
  const message = record.message;
  if (chat.chat.type !== 'private' && !botSeesGroupMessage(deps, chat, message)) return undefined;
  return deps.hub.emit(kind, message, `chat:${chat.chat.id}`);
}

/** Bots in privacy mode only see commands, replies to them and service messages, unless admin. */
function botSeesGroupMessage({ world }: ApiDeps, chat: ChatRecord, message: TgMessage): boolean {
  const member = world.botMember(chat);
  if (member.status === 'left' || member.status === 'kicked') return false;
  if (member.status === 'administrator' || member.status === 'creator') return true;
  if (world.bot.can_read_all_group_messages) return true;
  if (SERVICE_FIELDS.some((field) => message[field] !== undefined)) return true;
  if (message.text?.startsWith('/')) return true;
  const reply = message.reply_to_message;
  return reply?.from?.id === world.bot.id && reply.message_id !== message.message_thread_id;
}
