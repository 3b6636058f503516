/**
 * What a fan message costs. The costs themselves are runtime settings (`cost.<type>`);
 * this module names the message types and classifies a Telegram message into one.
 */

/** Every message type that has its own cost. */
export const MESSAGE_TYPES = [
  'text',
  'photo',
  'voice',
  'video',
  'video_note',
  'audio',
  'animation',
  'document',
  'sticker',
  'location',
  'contact',
  'other',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Credits per message type; 0 makes a type free. */
export type MessageCosts = Readonly<Record<MessageType, number>>;

/**
 * The fields of a Telegram Message that decide its type. Structural, so core needs no
 * Telegram types; any Message object fits.
 */
export interface MessageShape {
  text?: unknown;
  photo?: unknown;
  voice?: unknown;
  video?: unknown;
  video_note?: unknown;
  audio?: unknown;
  animation?: unknown;
  document?: unknown;
  sticker?: unknown;
  location?: unknown;
  venue?: unknown;
  contact?: unknown;
}

/** The type a message is charged as. */
export function messageTypeOf(message: MessageShape): MessageType {
  if (message.photo !== undefined) return 'photo';
  if (message.video !== undefined) return 'video';
  if (message.video_note !== undefined) return 'video_note';
  if (message.voice !== undefined) return 'voice';
  if (message.audio !== undefined) return 'audio';
  // Telegram also sets `document` on animations, so animation must be checked first.
  if (message.animation !== undefined) return 'animation';
  if (message.document !== undefined) return 'document';
  if (message.sticker !== undefined) return 'sticker';
  if (message.location !== undefined || message.venue !== undefined) return 'location';
  if (message.contact !== undefined) return 'contact';
  if (typeof message.text === 'string') return 'text';
  return 'other';
}

/** Credits a message of `type` costs. */
export function costOf(type: MessageType, costs: MessageCosts): number {
  return costs[type];
}

/** Credits `message` costs. */
export function costOfMessage(message: MessageShape, costs: MessageCosts): number {
  return costOf(messageTypeOf(message), costs);
}
