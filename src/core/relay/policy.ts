/**
 * The team side of the relay: which team messages stay internal, and the receipts the fan
 * sees. (Whether a fan message goes through and what it costs: fan-message.ts.)
 */
import type { MessageType } from '../pricing.js';

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

/**
 * How long a fan who is out of credits hears nothing more after a "not enough credits"
 * prompt: one prompt per burst, not one per message.
 */
export const PROMPT_QUIET_MS = 10 * 60_000;

/** When the fan was last prompted to top up, and last topped up. */
export interface PromptState {
  promptedAt: Date | null;
  toppedUpAt: Date | null;
}

/**
 * True when a refused-for-credits message gets the buy prompt: the first of a burst, the
 * first after a top-up, or the first after `quietMs` of prompts.
 */
export function promptDue(state: PromptState, now: Date, quietMs = PROMPT_QUIET_MS): boolean {
  if (!state.promptedAt) return true;
  if (state.toppedUpAt && state.toppedUpAt >= state.promptedAt) return true;
  return now.getTime() - state.promptedAt.getTime() >= quietMs;
}
