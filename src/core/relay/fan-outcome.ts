/**
 * What became of a fan message, and the outbox jobs that tell it: the copy into the topic,
 * the buy prompt (once per burst), a refusal, the pass-started notice, the low-balance
 * alert, and a topic title that follows the fan's name. Built inside the spend's
 * transaction by the fan message use case (fan-message.ts).
 */
import { crossedLowBalance, renderBalance } from '../balance.js';
import type { FanAccount, ProductOffer } from '../fan-account.js';
import type { FanProfile } from '../fan.js';
import { formatDuration } from '../info-card.js';
import { formatMoment } from '../time-format.js';
import { productKeyboard } from '../keyboards.js';
import { ledgerKeys } from '../ledger.js';
import type { MessageType } from '../pricing.js';
import type { Translate } from '../templates.js';
import { topicTitle } from '../topic-title.js';
import { PRIORITY, fanPriority, type NewOutboxJob } from '../traffic/outbox.js';
import { fanNotice } from './notices.js';
import type { RelaySettings } from './ports.js';

/** A fan message, as the Telegram feature translates it from an Update. */
export interface FanMessageInput {
  profile: FanProfile;
  updateId: number;
  messageId: number;
  type: MessageType;
  /** The album it belongs to, if any. */
  mediaGroupId?: string;
  /** The topic message the fan replied to (a team answer's original, or their own copy). */
  replyToTopicMessageId?: number;
  /** A forward: forwarded on (not copied), so the topic shows Telegram's "Forwarded from". */
  forwarded?: boolean;
}

/** What happened to a fan message. */
export type FanMessageOutcome =
  | {
      kind: 'relayed';
      /** Credits spent (0 when free). */
      charged: number;
      before: number;
      after: number;
      /** Why it was free, when it was. */
      free?: 'pass' | 'start_pass' | 'free_type';
      /** The pass this message started. */
      passStarted?: { endsAt: Date; seconds: number };
      /** The spend key was used before (a redelivered update): nothing moved this time. */
      duplicate: boolean;
    }
  | {
      kind: 'insufficient';
      cost: number;
      credits: number;
      shortfall: number;
      /** The whole album is refused (`cost` is the album's so far). */
      album?: boolean;
      /** The buy prompt was already sent in this burst: stay quiet. */
      quiet?: boolean;
    }
  | { kind: 'refused'; reason: 'banned' | 'frozen' };

/** The outcome and the fan's account right after it. */
export interface FanMessageResult {
  outcome: FanMessageOutcome;
  account: FanAccount;
}

/** Quick-buy buttons in alerts and prompts: credits packs first, a few at most. */
function quickBuy(products: readonly ProductOffer[]): ProductOffer[] {
  return [...products]
    .sort((a, b) => (a.type === b.type ? 0 : a.type === 'credits' ? -1 : 1))
    .slice(0, 4);
}

/** What the outbox jobs of an outcome are built from. */
export interface AnswerContext {
  input: FanMessageInput;
  adminChatId: number;
  t: Translate;
  settings: RelaySettings;
  products: readonly ProductOffer[];
  notBefore: Date | undefined;
}

/** The buy prompt of a message that was not relayed for want of credits. */
function promptJob(
  c: AnswerContext,
  outcome: Extract<FanMessageOutcome, { kind: 'insufficient' }>,
): NewOutboxJob {
  const { t } = c;
  const fanId = c.input.profile.id;
  const text = t('insufficient', {
    type: outcome.album ? t('type.album') : t(`type.${c.input.type}`),
    cost: outcome.cost,
    credits: outcome.credits,
    shortfall: outcome.shortfall,
  });
  return fanNotice(fanId, text, {
    keyboard: productKeyboard(quickBuy(c.products), t),
    dedupeKey: `prompt:${fanId}:${c.input.messageId}`,
  });
}

/** The jobs of a fan message's outcome (built inside the spend's transaction). */
export function jobsForOutcome(
  c: AnswerContext,
  outcome: FanMessageOutcome,
  account: FanAccount,
): NewOutboxJob[] {
  const { t } = c;
  const { messageId } = c.input;
  const fanId = c.input.profile.id;
  // Keyed on the message, not the update: Telegram restarts update ids, and a later fan's
  // message with a reused id must not find an earlier job's key.
  const message = `${fanId}:${messageId}`;
  if (outcome.kind === 'refused') {
    return [fanNotice(fanId, t(outcome.reason), { dedupeKey: `refused:${message}` })];
  }
  if (outcome.kind === 'insufficient') return outcome.quiet ? [] : [promptJob(c, outcome)];
  const jobs: NewOutboxJob[] = [
    {
      kind: 'relay.fan',
      target: { type: 'topic', chatId: c.adminChatId, fanId },
      ...relayCall(c.input),
      priority: fanPriority({ tier: account.tier, hasPaid: account.totalSpentCents > 0 }),
      fanId,
      dedupeKey: relayKey(fanId, messageId),
      ...(c.notBefore ? { notBefore: c.notBefore } : {}),
      // A paid relay carries its spend, so the credits come back if it is never delivered.
      ...(outcome.charged > 0 ? { spendKey: ledgerKeys.messageSpend(fanId, messageId) } : {}),
    },
  ];
  if (outcome.passStarted) {
    const { seconds, endsAt } = outcome.passStarted;
    const startedAt = new Date(endsAt.getTime() - seconds * 1000);
    const display = { locale: t.locale, timeZone: c.settings.timeZone };
    const ends = formatMoment(endsAt, startedAt, display);
    jobs.push(
      fanNotice(fanId, t('pass.started', { ends, left: formatDuration(seconds) }), {
        dedupeKey: `pass_started:${message}`,
        priority: PRIORITY.payment,
      }),
    );
  }
  if (
    outcome.charged > 0 &&
    crossedLowBalance(outcome.before, outcome.after, c.settings.lowBalanceThreshold)
  ) {
    const bar = renderBalance(
      { credits: outcome.after, lastTopUpBalance: account.lastTopUpBalance },
      t('balance.label'),
    );
    jobs.push(
      fanNotice(fanId, t('low_balance', { bar, credits: outcome.after }), {
        keyboard: productKeyboard(quickBuy(c.products), t),
        dedupeKey: `low_balance:${message}`,
        priority: PRIORITY.payment,
      }),
    );
  }
  return jobs;
}

/** How a fan message reaches the topic: forwarded (keeps its origin) or copied, maybe as a reply. */
function relayCall(input: FanMessageInput): Pick<NewOutboxJob, 'method' | 'params'> {
  const params: Record<string, unknown> = {
    from_chat_id: input.profile.id,
    message_id: input.messageId,
  };
  // forwardMessage takes no reply (a forward is never a reply on Telegram either).
  if (input.forwarded) return { method: 'forwardMessage', params };
  if (input.replyToTopicMessageId !== undefined) {
    params.reply_parameters = {
      message_id: input.replyToTopicMessageId,
      allow_sending_without_reply: true,
    };
  }
  return { method: 'copyMessage', params };
}

/** The dedupe key of the job that copies a fan's message into their topic. */
export function relayKey(fanId: number, messageId: number): string {
  return `relay:fan:${fanId}:${messageId}`;
}

/**
 * The edit of the fan's topic title when their name changed since it was stored (null when
 * it did not, or there is no topic yet). The stored title is updated with it, so a burst
 * after a rename edits the topic once.
 */
export function titleJob(
  c: Pick<AnswerContext, 'input' | 'adminChatId'>,
  storedTitle: string | null,
): NewOutboxJob | null {
  const fanId = c.input.profile.id;
  const title = topicTitle(c.input.profile, fanId);
  if (storedTitle === null || storedTitle === title) return null;
  return {
    kind: 'topic.title',
    target: { type: 'topic', chatId: c.adminChatId, fanId },
    method: 'editForumTopic',
    params: { name: title },
    priority: PRIORITY.background,
    fanId,
    dedupeKey: `topic_title:${fanId}:${c.input.messageId}`,
  };
}
