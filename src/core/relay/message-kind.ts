/**
 * What a Telegram message is to the relay: content a person wrote (relayed and charged),
 * content the relay does not carry (the fan is told, nothing is charged), a command for the
 * bot (`/start`, `/buy10@bot`), or a service message (never relayed, never charged, no
 * answer). One helper for every feature, so the fan relay, the team relay and the commands
 * agree.
 *
 * Classification is by an allow-list of content fields, so every other field of `Message`
 * — the dozens of service messages Telegram has (auto-delete timer, chat background, gifts,
 * boosts, payments, pins…) and whatever a later Bot API adds — is a service message by
 * default and costs nothing. docs/user-guide.md ("What is charged") explains the choices.
 */

/** Content the relay copies into the fan's topic, charged by its type (`core/pricing.ts`). */
export const RELAYED_CONTENT_FIELDS: readonly string[] = [
  'text',
  'photo',
  'live_photo',
  'video',
  'video_note',
  'voice',
  'audio',
  'animation',
  'document',
  'sticker',
  'location',
  'venue',
  'contact',
  'poll',
];

/**
 * Content a person sends that the relay does not carry (Telegram cannot copy it, or the
 * copy would not be what the fan sent: a dice is rolled again): refused politely, free.
 */
export const REFUSED_CONTENT_FIELDS: readonly string[] = [
  'dice',
  'game',
  'story',
  'paid_media',
  'checklist',
  'invoice',
  'giveaway',
  'rich_message',
];

/** The fields of a Telegram Message this module reads (any Message fits). */
export interface MessageFields {
  text?: string;
  entities?: ReadonlyArray<{ type: string; offset: number }>;
}

export type MessageKind = 'service' | 'command' | 'content' | 'unsupported';

const has = (message: object, field: string): boolean =>
  (message as Record<string, unknown>)[field] !== undefined;

/** The refused content field a message carries, if any. */
export function unsupportedContentOf(message: object): string | null {
  return REFUSED_CONTENT_FIELDS.find((field) => has(message, field)) ?? null;
}

/** Content, unsupported content, bot command (a `bot_command` entity at offset 0), or service. */
export function messageKind(message: object): MessageKind {
  if (unsupportedContentOf(message) !== null) return 'unsupported';
  if (!RELAYED_CONTENT_FIELDS.some((field) => has(message, field))) return 'service';
  const first = (message as MessageFields).entities?.[0];
  return first?.type === 'bot_command' && first.offset === 0 ? 'command' : 'content';
}

/** The command of a message, lower-cased and without the bot's name (`/Buy10@bot x` → `buy10`). */
export function commandOf(message: object): string | null {
  if (messageKind(message) !== 'command') return null;
  const text = (message as MessageFields).text ?? '';
  return text.slice(1).split(/[\s@]/)[0]!.toLowerCase();
}
