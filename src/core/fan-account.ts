/**
 * What the fan side reads and changes about a fan, and the ports through which it
 * does so (implemented over knex in src/adapters/db).
 */
import type { FanProfile } from './fan.js';
import type { Tier } from './tiers.js';
import type { NewOutboxJob } from './traffic/outbox.js';

/** A fan as the card, /balance and the relay see them. */
export interface FanAccount {
  fanId: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  languageCode: string | null;
  /** The tier stored on the fan (recomputed from total spend when it changes). */
  tier: Tier;
  credits: number;
  /** Banked pass seconds, not started. */
  bankedSeconds: number;
  passStartedAt: Date | null;
  passEndsAt: Date | null;
  totalSpentCents: number;
  messageCount: number;
  firstSeen: Date;
  banned: boolean;
  blocked: boolean;
  frozen: boolean;
  /** The balance right after the latest top-up (the 100% of the balance bar). */
  lastTopUpBalance: number | null;
  /** Auto-recharge is on (false: a spend need not be reported to payments). */
  autoRecharge?: boolean;
  /** The fan's topic and its pinned card (0 while it is being posted), once created. */
  topic: { chatId: number; topicId: number; cardMessageId: number | null } | null;
}

/** The port over fan accounts. */
export interface FanAccounts {
  get(fanId: number): Promise<FanAccount | null>;
  /** Creates or refreshes the fan from their Telegram profile. */
  ensure(profile: FanProfile): Promise<void>;
  /** Flips the banned flag; true when it changed. */
  setBanned(fanId: number, banned: boolean): Promise<boolean>;
  /**
   * Lifts a dispute freeze (an owner's decision); `changed` is false when the fan was not
   * frozen. `disputes`: the fan's disputes still open or lost, for the audit note.
   */
  unfreeze(fanId: number): Promise<{ changed: boolean; disputes: number }>;
  /** Stores a tier; true when it changed. */
  setTier(fanId: number, tier: Tier): Promise<boolean>;
  /** Gives credits through the ledger (`gift:<admin update id>`); returns the new balance. */
  gift(
    fanId: number,
    amount: number,
    key: string,
    note: string,
  ): Promise<{ duplicate: boolean; credits: number }>;
  /** Remembers the pinned card of the fan's topic (null forgets it). */
  setCardMessage(fanId: number, topicId: number, messageId: number | null): Promise<void>;
  /**
   * Reserves posting the card of a topic (marks it "being posted"): `force` for a topic just
   * created (replacing an old card), otherwise only when the topic has no card yet. False
   * when someone else is posting it.
   */
  claimCard(fanId: number, topicId: number, force: boolean): Promise<boolean>;
}

/** A product as the fan sees it in the list (active rows of `products`). */
export interface ProductOffer {
  id: number;
  label: string;
  type: 'credits' | 'time';
  amount: number;
  priceCents: number;
  currency: string;
  /**
   * Its Stars price when it is sold for Stars now (per `payments.rails`): the shop shows
   * "⭐ 250" (`stars:<id>`) next to or instead of the money price.
   */
  stars?: number;
  /** False when it is not sold for money now (the Stripe rail off, or no Stripe price). */
  money?: boolean;
}

/** Active products, in display order. */
export interface ProductCatalogPort {
  activeProducts(): Promise<ProductOffer[]>;
}

/** A copy made by the relay, in either direction. */
export interface MessageLink {
  fanId: number;
  direction: 'fan' | 'team';
  /** The message in the fan's private chat (the original for `fan`, the copy for `team`). */
  fanMessageId: number;
  topicChatId: number;
  /** The message in the topic (the copy for `fan`, the original for `team`). */
  topicMessageId: number;
}

/** Which message is the copy of which (edits, replies, receipts). */
export interface MessageLinks {
  record(links: readonly MessageLink[]): Promise<void>;
  /** The topic copy of a fan's message. */
  topicCopyOf(fanId: number, fanMessageId: number): Promise<number | null>;
  /** The link of a topic message (a copy of a fan message, or a team answer). */
  byTopicMessage(topicChatId: number, topicMessageId: number): Promise<MessageLink | null>;
  /** The fan's latest message that reached the topic. */
  latestFanMessage(fanId: number): Promise<number | null>;
  /**
   * The topic message behind a message of the fan's chat, either way: the copy of the fan's
   * own message, or the team's original of an answer the fan received.
   */
  topicMessageOf(fanId: number, fanMessageId: number): Promise<number | null>;
}

/** A fan whose pass notice is due. */
export interface PassNoticeFan {
  fanId: number;
  languageCode: string | null;
  passEndsAt: Date;
}

/** Pass warnings and end notices, each sent once per pass. */
export interface PassNoticeStore {
  /**
   * Marks the due notices of `kind` as sent and queues the jobs `build` returns, in one
   * transaction with a conditional update per fan, so concurrent runs send each once.
   */
  claimDue(
    kind: 'warning' | 'end',
    now: Date,
    warningMinutes: number,
    build: (fan: PassNoticeFan) => NewOutboxJob[],
  ): Promise<number>;
}
