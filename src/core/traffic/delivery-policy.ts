/**
 * What to do after a Bot API call failed. Pure: the adapter turns telegraf/network errors
 * into a `CallFailure`, this module decides; the outbox worker carries the decision out.
 *
 * Semantics (see docs/architecture.md, "Delivery guarantees"):
 * - a 4xx answer from Telegram means the call had no effect;
 * - a 429 and a network failure before the request left (connection refused, DNS) are safe
 *   to retry;
 * - a 5xx, or a failure after the request may have reached Telegram (timeout, reset, lost or
 *   truncated response), is *uncertain*: Telegram may have executed the call before failing.
 *   Only idempotent methods are retried; anything that could post a second copy is set aside
 *   as `uncertain` and reported (with a Resend button for fan relays), never resent blindly;
 * - the bot removed from a group, or without the rights to post or open topics there, is
 *   `lost_rights`: for the admin group its lane pauses until the rights come back.
 */

import type { OutboxOutcome } from './outbox.js';

/** A failed Bot API call, as the adapter observed it. */
export type CallFailure =
  | {
      type: 'api';
      /** Telegram's error_code (HTTP status). */
      code: number;
      description: string;
      retryAfterSeconds?: number;
      migrateToChatId?: number;
    }
  | {
      type: 'network';
      /** `no`: the request never left; `maybe`: it may have been processed. */
      sent: 'no' | 'maybe';
      reason: string;
    };

/** The decision for one failed call. */
export type FailureDecision =
  /** 429: pause the chat (or group) for retryAfter simulated seconds, then resend; not an attempt. */
  | { action: 'rate_limited'; retryAfterSeconds: number }
  /** Certainly not delivered: try again after a backoff. */
  | { action: 'retry'; reason: string }
  /** May have been delivered and resending could duplicate: set aside and report. */
  | { action: 'uncertain'; reason: string }
  /** The fan blocked the bot or deleted the account. */
  | { action: 'blocked'; reason: string }
  /** The bot was removed from a group or lost the rights to post or open topics there. */
  | { action: 'lost_rights'; reason: string }
  /** The forum topic is gone: recreate it once and resend. */
  | { action: 'thread_missing'; reason: string }
  /** The group became a supergroup with a new id. */
  | { action: 'migrated'; newChatId: number }
  /** An edit that changes nothing ("message is not modified"): the message already reads so. */
  | { action: 'unchanged' }
  /** Telegram refused it for good (bad request, message to copy deleted…). */
  | { action: 'drop'; reason: string };

/** Bot API methods that can be repeated without a visible second effect. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'editMessageText',
  'editMessageCaption',
  'editMessageReplyMarkup',
  'editMessageMedia',
  'editForumTopic',
  'closeForumTopic',
  'reopenForumTopic',
  'pinChatMessage',
  'unpinChatMessage',
  'deleteMessage',
  'deleteMessages',
  'setMessageReaction',
  'sendChatAction',
  'leaveChat',
  'answerCallbackQuery',
  'getMe',
  'getChat',
  'getChatMember',
  'setMyCommands',
]);

const BLOCKED_PATTERNS = [
  /bot was blocked by the user/i,
  /user is deactivated/i,
  /bot can't initiate conversation/i,
];

/**
 * The bot cannot work in a group any more: removed, or an admin without the rights it needs
 * to post or open topics. Pinning is left out: a missing pin right costs only the pin.
 */
const LOST_RIGHTS_PATTERNS = [
  /bot was kicked from the (super)?group chat/i,
  /bot is not a member of the (super)?group chat/i,
  /not enough rights to (send|create a topic|manage topics)/i,
  /have no rights to send a message/i,
  /CHAT_WRITE_FORBIDDEN/i,
  /CHAT_SEND_\w+_FORBIDDEN/i,
];

const THREAD_MISSING_PATTERNS = [
  /message thread not found/i,
  /TOPIC_DELETED/i,
  /TOPIC_ID_INVALID/i,
];

/** True when Telegram's answer means the bot was removed from a group or lost its rights there. */
export function isLostRights(failure: CallFailure): boolean {
  return (
    failure.type === 'api' &&
    (failure.code === 400 || failure.code === 403) &&
    LOST_RIGHTS_PATTERNS.some((p) => p.test(failure.description))
  );
}

/** Decides what to do with a failed call of `method`. */
export function decideFailure(method: string, failure: CallFailure): FailureDecision {
  if (failure.type === 'network') {
    if (failure.sent === 'no' || IDEMPOTENT_METHODS.has(method)) {
      return { action: 'retry', reason: `network: ${failure.reason}` };
    }
    return { action: 'uncertain', reason: `network: ${failure.reason}` };
  }
  const { code, description } = failure;
  if (code === 429) {
    return {
      action: 'rate_limited',
      retryAfterSeconds: Math.max(1, failure.retryAfterSeconds ?? 5),
    };
  }
  if (failure.migrateToChatId !== undefined) {
    return { action: 'migrated', newChatId: failure.migrateToChatId };
  }
  if (code >= 500) {
    // Telegram may have executed the call before failing: only a repeatable one is retried.
    const reason = `telegram ${code}: ${description}`;
    return IDEMPOTENT_METHODS.has(method)
      ? { action: 'retry', reason }
      : { action: 'uncertain', reason };
  }
  if (THREAD_MISSING_PATTERNS.some((p) => p.test(description))) {
    return { action: 'thread_missing', reason: description };
  }
  if (code === 400 && /message is not modified/i.test(description)) return { action: 'unchanged' };
  if (isLostRights(failure)) return { action: 'lost_rights', reason: description };
  if (code === 403 && BLOCKED_PATTERNS.some((p) => p.test(description))) {
    return { action: 'blocked', reason: description };
  }
  if (code === 401) return { action: 'retry', reason: 'telegram 401 (check BOT_TOKEN)' };
  return { action: 'drop', reason: `telegram ${code}: ${description}` };
}

/**
 * What follows when jobs end without delivery. A paid fan relay that certainly did not
 * arrive (Telegram refused it, it was given up after MAX_ATTEMPTS) gives its credits back (a
 * relay for an admin group the bot lost is not ended: it waits for the rights to return); one that may have arrived (`uncertain`) is offered to the team for a
 * resend instead, since refunding a message the team may have read would pay twice.
 */
export type UndeliveredFollowUp = 'refund' | 'offer_resend' | 'none';

/** The follow-up of a job of `kind` (paid when it carries a spend key) that ended with `outcome`. */
export function followUpUndelivered(
  job: { kind: string; spendKey: string | null },
  outcome: OutboxOutcome,
): UndeliveredFollowUp {
  if (job.kind !== 'relay.fan') return 'none';
  if (outcome === 'uncertain') return 'offer_resend';
  if (outcome === 'delivered' || job.spendKey === null) return 'none';
  return 'refund';
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** A number in [0, 1), injected so tests are deterministic. */
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffOptions, 'random'> = { baseMs: 1000, maxMs: 5 * 60_000 };

/** Exponential backoff with "full jitter" for the n-th failed attempt (1-based). */
export function backoffMs(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * options.random());
}

/** After this many failed attempts a job is given up (`dead`) and reported. */
export const MAX_ATTEMPTS = 8;
