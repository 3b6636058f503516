/**
 * What a Telegram message is to the relay: a service message (never relayed), a command
 * for the bot (`/start`, `/buy10@bot`), or content a person wrote. One helper for every
 * feature, so the fan relay, the team relay and the commands agree.
 */

/** Service messages (topic events, pins, payments…): never relayed in either direction. */
export const SERVICE_FIELDS: readonly string[] = [
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'pinned_message',
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'successful_payment',
  'refunded_payment',
  'write_access_allowed',
];

/** The fields of a Telegram Message this module reads (any Message fits). */
export interface MessageFields {
  text?: string;
  entities?: ReadonlyArray<{ type: string; offset: number }>;
}

export type MessageKind = 'service' | 'command' | 'content';

/** Service message, bot command (a `bot_command` entity at offset 0), or content. */
export function messageKind(message: object): MessageKind {
  if (SERVICE_FIELDS.some((field) => field in message)) return 'service';
  const first = (message as MessageFields).entities?.[0];
  return first?.type === 'bot_command' && first.offset === 0 ? 'command' : 'content';
}

/** The command of a message, lower-cased and without the bot's name (`/Buy10@bot x` → `buy10`). */
export function commandOf(message: object): string | null {
  if (messageKind(message) !== 'command') return null;
  const text = (message as MessageFields).text ?? '';
  return text.slice(1).split(/[\s@]/)[0]!.toLowerCase();
}
