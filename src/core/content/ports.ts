/** The ports of premium content: the vault and purchases store (src/adapters/db/content-store.ts). */
import type { NewOutboxJob } from '../traffic/outbox.js';
import type {
  ContentFigures,
  ContentFile,
  ContentItem,
  ContentItemWithFigures,
  NewContentItem,
  TeaserMode,
} from './items.js';

/** How an item was unlocked. */
export type UnlockSource = 'credits' | 'stripe' | 'stars';

/** One fan's unlock of one item (at most one per fan and item). */
export interface ContentPurchase {
  id: number;
  fanId: number;
  itemId: number;
  source: UnlockSource;
  credits: number;
  ledgerKey: string | null;
  /** The `transactions` row of a Stripe unlock (its refunds and disputes are recorded there). */
  paymentId: number | null;
  stars: number | null;
  deliveries: number;
  createdAt: Date;
}

export interface NewContentPurchase {
  fanId: number;
  itemId: number;
  source: UnlockSource;
  credits?: number;
  ledgerKey?: string | null;
  paymentId?: number | null;
  stars?: number | null;
  /** When its delivery was queued (free resends are spaced from it). */
  sentAt?: Date;
}

/** What the vault screen may change. */
export type ContentItemPatch = Partial<
  Pick<
    ContentItem,
    | 'title'
    | 'priceCredits'
    | 'priceCents'
    | 'currency'
    | 'priceStars'
    | 'active'
    | 'protect'
    | 'teaser'
    | 'teaserFileId'
  >
>;

export interface ListItemsQuery {
  offset: number;
  limit: number;
  /** Archived items too (the vault screen's "archived" view). */
  archived?: boolean;
}

/** A page of items and how many there are in all. */
export interface ItemPage<T> {
  items: T[];
  total: number;
}

/**
 * The vault and its purchases. Methods taking `tx` join the caller's transaction; without
 * it each call is its own.
 */
export interface ContentStore<Tx> {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  createItem(item: NewContentItem, tx?: Tx): Promise<ContentItem>;
  /** An item by id, archived or not; null when there is none. */
  getItem(id: number, tx?: Tx): Promise<ContentItem | null>;
  /** Items newest first with their figures (active ones, or archived ones). */
  listItems(query: ListItemsQuery): Promise<ItemPage<ContentItemWithFigures>>;
  updateItem(id: number, patch: ContentItemPatch): Promise<ContentItem | null>;
  figures(id: number): Promise<ContentFigures>;
  /** Ties admin-group messages (the locked media, the vault's answer) to an item. */
  linkMessages(chatId: number, messageIds: readonly number[], itemId: number): Promise<void>;
  itemOfMessage(chatId: number, messageId: number): Promise<number | null>;
  /** Remembers one item of an album posted in the admin group (kept a day). */
  recordAlbumPart(
    chatId: number,
    groupId: string,
    messageId: number,
    file: ContentFile,
    now: Date,
  ): Promise<void>;
  /** The files of an album posted in the admin group, in message order. */
  albumParts(chatId: number, groupId: string): Promise<ContentFile[]>;
  purchase(fanId: number, itemId: number, tx?: Tx): Promise<ContentPurchase | null>;
  /** Records an unlock; null when the fan already owned the item (nothing recorded). */
  recordPurchase(purchase: NewContentPurchase, tx?: Tx): Promise<ContentPurchase | null>;
  /**
   * Claims a (re)send of an owned item: true when none was claimed in the last `gapMs`
   * (one conditional update, so concurrent presses claim once).
   */
  claimSend(purchaseId: number, now: Date, gapMs: number, tx?: Tx): Promise<boolean>;
  /** The items a fan unlocked, newest first. */
  library(fanId: number, query: ListItemsQuery): Promise<ItemPage<ContentItem>>;
  /** The fan's Telegram language (null when unknown or not a fan yet). */
  fanLanguage(fanId: number, tx?: Tx): Promise<string | null>;
  enqueue(jobs: readonly NewOutboxJob[], tx?: Tx): Promise<number[]>;
}

export type { TeaserMode };
