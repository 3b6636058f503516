/**
 * The ports the relay use cases need; src/adapters/db implements the stores over knex,
 * src/adapters/telegram the coalescing services, src/cli/runtime wires them.
 */
import type { SpendObserver } from '../balance.js';
import type { FanAccount, FanAccounts, MessageLinks, ProductCatalogPort } from '../fan-account.js';
import type { FanProfile } from '../fan.js';
import type { LedgerMeta } from '../ledger.js';
import type { Logger } from '../logger.js';
import type { MessageCosts } from '../pricing.js';
import type { MessageCatalog } from '../templates.js';
import type { TierThresholds } from '../tiers.js';
import type { FanDirectory } from '../traffic/ports.js';
import type { NewOutboxJob, OutboxJob, OutboxOutcome, OutboxStore } from '../traffic/outbox.js';
import type { LostSalesPort } from './lost-sales.js';
import type { PromptState } from './policy.js';

/** The runtime settings the relay reads (from the settings table). */
export interface RelaySettings {
  costs: MessageCosts;
  lowBalanceThreshold: number;
  tierThresholds: TierThresholds;
  /** `relay.receipts`: 👀/👍 reactions and chat actions. */
  receipts: boolean;
  /** `display.time_zone`: the zone of the times fans read (default UTC). */
  timeZone?: string;
}

/**
 * One fan message's database work, inside ONE transaction opened by
 * `FanMessageStore.inTransaction` with the fan's row created and locked: the ledger entry
 * and the outbox jobs commit together or not at all.
 */
export interface FanMessageTransaction {
  /**
   * The ledger entry already written under `key` (a redelivered update). Looked up only where
   * no insert would find it: a spend's own key is checked by its unique index.
   */
  earlierEntry(
    key: string,
  ): Promise<{ fanId: number; creditsDelta: number; reference: string | null } | null>;
  /** The fan's credits now. */
  credits(): Promise<number>;
  account(): Promise<FanAccount>;
  /**
   * Spends credits; throws InsufficientCreditsError or AccountFrozenError when refused. With
   * `now`, the relayed message is counted in the same write (countMessage then does nothing).
   * A key used before moves nothing (`duplicate`).
   */
  spend(
    cost: number,
    key: string,
    meta: LedgerMeta,
    now?: Date,
  ): Promise<{ credits: number; duplicate: boolean }>;
  /** Turns the banked pass seconds into a running pass. */
  startPass(
    now: Date,
    key: string,
    meta: LedgerMeta,
  ): Promise<{ passEndsAt: Date; seconds: number; duplicate: boolean }>;
  /** Counts a relayed message (message count, last activity, the inbox), once. */
  countMessage(now: Date): Promise<void>;
  enqueue(jobs: readonly NewOutboxJob[]): Promise<void>;
  /** When the fan was last sent the buy prompt, and last topped up. */
  promptState(): Promise<PromptState>;
  /** Remembers that the buy prompt went out now. */
  markPrompted(now: Date): Promise<void>;
  /** The stored title of the fan's topic (null: no topic yet). */
  topicTitle(): Promise<string | null>;
  setTopicTitle(title: string): Promise<void>;
  /** The items of the fan's album `groupId` seen so far. */
  albumItems(groupId: string): Promise<AlbumItem[]>;
  /** Records an album item (a redelivered one changes nothing). */
  recordAlbumItem(groupId: string, item: AlbumItem, now: Date): Promise<void>;
  /**
   * Cancels a relay that has not left yet (its job still pending, found by `dedupeKey`) and
   * gives back the spend that paid for it as `refundKey`. False when it had already left.
   */
  cancelRelay(dedupeKey: string, spendKey: string, refundKey: string): Promise<boolean>;
}

/** One item of a fan's album and what it paid. */
export interface AlbumItem {
  messageId: number;
  credits: number;
  /** Not relayed: the album could not be paid in full. */
  refused: boolean;
}

/** Opens the fan message's transaction. */
export interface FanMessageStore {
  /**
   * With `updateId`, the transaction also records the update as processed — first, so a
   * redelivered update does nothing and throws `UpdateAlreadyProcessed` (core/traffic/ports).
   */
  inTransaction<T>(
    profile: FanProfile,
    work: (tx: FanMessageTransaction) => Promise<T>,
    updateId?: number,
  ): Promise<T>;
}

/** A service that coalesces per-fan work (card edits, the balance bar). */
export interface PerFanRequest {
  request(fanId: number): void;
}

/** The per-burst balance update. */
export interface BalanceBarPort extends PerFanRequest {
  /**
   * The low-balance alert (which shows the bar) just went out: no separate update for the
   * rest of this burst — one message, not two.
   */
  shownInAlert(fanId: number): void;
}

/** What the fan message use case needs. */
export interface FanMessageDeps {
  store: FanMessageStore;
  settings(): Promise<RelaySettings>;
  products: ProductCatalogPort;
  templates: MessageCatalog;
  accounts: Pick<FanAccounts, 'setTier'>;
  adminChatId: number;
  /** How long an album item is held after its latest sibling arrived, so they go out together. */
  albumHoldMs: number;
  /** Told after every committed spend (auto-recharge). */
  spendObserver: SpendObserver;
  cards: PerFanRequest;
  balanceBar: BalanceBarPort;
  /** Told of each message refused for want of credits (the team's lost-sales line). */
  lostSales?: LostSalesPort;
  /** Wakes the outbox worker after an enqueue. */
  wake(): void;
  logger: Logger;
  now(): Date;
}

/** What the team reply use case needs. */
export interface TeamReplyDeps {
  fans: Pick<FanDirectory, 'fanOfTopic'>;
  links: Pick<MessageLinks, 'byTopicMessage'>;
  outbox: Pick<OutboxStore, 'enqueue'>;
  settings(): Promise<Pick<RelaySettings, 'receipts'>>;
  wake(): void;
}

/** Why and how jobs ended without delivery. */
export interface UndeliveredClose {
  status: 'failed' | 'dead';
  outcome: OutboxOutcome;
  error: string;
}

/**
 * The transaction that closes outbox jobs ended without delivery (`relay/undelivered.ts`):
 * the jobs' final status, the refunds and the notices commit together or not at all.
 */
export interface UndeliveredTransaction {
  finish(ids: readonly number[], close: UndeliveredClose): Promise<void>;
  /**
   * Gives back the credits spent under `spendKey` as an entry keyed `key` (a used key moves
   * nothing: `duplicate`); null when no spend was recorded under `spendKey`.
   */
  returnSpend(
    spendKey: string,
    key: string,
  ): Promise<{ fanId: number; credits: number; duplicate: boolean } | null>;
  /** The fan's Telegram language, if known. */
  languageOf(fanId: number): Promise<string | null>;
  enqueue(jobs: readonly NewOutboxJob[]): Promise<void>;
}

/** Opens the transaction that closes undelivered jobs. */
export interface UndeliveredStore {
  inTransaction<T>(work: (tx: UndeliveredTransaction) => Promise<T>): Promise<T>;
}

/** What the undelivered-jobs use case needs. */
export interface UndeliveredDeps {
  store: UndeliveredStore;
  templates: MessageCatalog;
  adminChatId: number;
  /** Language of the team's texts (the Resend offer). */
  adminLanguage: string;
  /** Fan cards to refresh after a refund changed a balance. */
  cards?: PerFanRequest;
  /** Wakes the outbox worker after an enqueue. */
  wake(): void;
}

/** The outbox as the Resend use case sees it. */
export interface ResendStore {
  /** The fan's relays in [fromJobId, toJobId] that ended `uncertain` and were not resent yet. */
  uncertainRelays(fanId: number, fromJobId: number, toJobId: number): Promise<OutboxJob[]>;
  /** Queues the resends; returns how many were new (a used dedupe key adds nothing). */
  enqueueResends(jobs: readonly NewOutboxJob[]): Promise<number>;
}

/** What the Resend use case needs. */
export interface ResendDeps {
  store: ResendStore;
  wake(): void;
}
