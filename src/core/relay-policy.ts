/**
 * The rules of the relay between a fan's private chat and their topic: whether a fan
 * message goes through and what it costs, which team messages stay internal, and the
 * receipts the fan sees.
 */
import { passIsRunning, type PassTimes } from './passes.js';
import type { MessageType } from './pricing.js';

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

/** What the relay knows about the fan when a message arrives. */
export interface FanMessageState {
  banned: boolean;
  frozen: boolean;
  credits: number;
  /** Pass seconds bought and not started yet. */
  bankedSeconds: number;
  pass: PassTimes;
}

/** What happens to a fan message. */
export type FanMessageDecision =
  /** Not relayed: a polite refusal (banned) or an "account on hold" note (open dispute). */
  | { action: 'refuse'; reason: 'banned' | 'frozen' }
  /** Relayed for free: a pass is running, or this message starts the banked pass. */
  | { action: 'free'; reason: 'pass' | 'start_pass' | 'free_type' }
  /** Relayed for `cost` credits. */
  | { action: 'charge'; cost: number }
  /** Not relayed: the fan is `shortfall` credits short. */
  | { action: 'insufficient'; cost: number; credits: number; shortfall: number };

/**
 * The credit check every fan message starts with. A running pass makes messages free; a
 * banked pass starts with the first message after the purchase and runs continuously.
 */
export function decideFanMessage(
  state: FanMessageState,
  cost: number,
  now: Date,
): FanMessageDecision {
  if (state.banned) return { action: 'refuse', reason: 'banned' };
  if (state.frozen) return { action: 'refuse', reason: 'frozen' };
  if (passIsRunning(state.pass, now)) return { action: 'free', reason: 'pass' };
  if (state.bankedSeconds > 0) return { action: 'free', reason: 'start_pass' };
  if (cost <= 0) return { action: 'free', reason: 'free_type' };
  if (state.credits >= cost) return { action: 'charge', cost };
  return { action: 'insufficient', cost, credits: state.credits, shortfall: cost - state.credits };
}

/**
 * True when a team message in a topic stays inside the team: commands (`/…`) and notes
 * (`#note …`), checked on the text or the caption.
 */
export function isInternalTeamMessage(textOrCaption: string | undefined): boolean {
  if (textOrCaption === undefined) return false;
  const text = textOrCaption.trimStart();
  return text.startsWith('/') || /^#note\b/i.test(text);
}

/** Reactions the bot sets on the fan's messages (from Telegram's allowed reaction list). */
export const RECEIPT_REACTIONS = {
  /** The message reached the team's topic. */
  delivered: '👀',
  /** The team answered. */
  answered: '👍',
} as const;

/** The chat action the fan sees while a team answer of `type` is delivered. */
export function chatActionFor(type: MessageType): string {
  switch (type) {
    case 'photo':
      return 'upload_photo';
    case 'video':
    case 'animation':
      return 'upload_video';
    case 'video_note':
      return 'upload_video_note';
    case 'voice':
    case 'audio':
      return 'upload_voice';
    case 'document':
      return 'upload_document';
    case 'location':
      return 'find_location';
    case 'sticker':
      return 'choose_sticker';
    default:
      return 'typing';
  }
}
