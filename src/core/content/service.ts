/**
 * Premium content's use cases: the vault (`/lock`), pay-per-view (`/ppv` → a teaser), the
 * fan's unlock with credits (ledger key `unlock:<fan>:<item>`, at most once per fan and
 * item), free resends of owned items, Stars paid-media purchases and the fan's library.
 * Stripe unlocks start in core/payments/commands/content-checkout.ts and are fulfilled by
 * the payment processor (core/payments/handlers/content-unlock.ts).
 */
import type { FanProfile } from '../fan.js';
import type { LedgerStore } from '../ledger.js';
import type { Logger } from '../logger.js';
import type { MessageCatalog } from '../templates.js';
import type { NewOutboxJob } from '../traffic/outbox.js';
import {
  parseLockArgs,
  type ContentFigures,
  type ContentFile,
  type ContentItem,
  type ContentItemWithFigures,
} from './items.js';
import { libraryPage, type LibraryView } from './library.js';
import type { ContentItemPatch, ContentStore, ItemPage, ListItemsQuery } from './ports.js';
import { teaserJob, type TeaserRails } from './teaser.js';
import {
  sendOwned,
  starsPurchased,
  unlockWithCredits,
  type FanAnswer,
  type UnlockContext,
} from './unlock.js';

export type { FanAnswer } from './unlock.js';

/** What the teaser API is asked. */
export interface TeaserRequest {
  itemId: number;
  fanId: number;
  /** Unique per teaser: `ppv:<chat>:<message>`, `drop:<drop>:<fan>`… (enqueued once per key). */
  dedupeKey: string;
  notBefore?: Date;
  priority?: number;
}

export type TeaserRefusal = 'unknown_item' | 'archived';

/** The teaser API's answer: the outbox job's id, or why nothing was queued. */
export type TeaserResult = { status: 'queued'; jobId: number } | { status: TeaserRefusal };

export interface ContentServiceDeps<Tx> {
  store: ContentStore<Tx>;
  ledger: LedgerStore<Tx>;
  templates: MessageCatalog;
  adminChatId: number;
  adminLanguage?: string;
  /** The install's currency (money prices). */
  currency: string;
  logger: Logger;
  now?: () => Date;
  /** Wakes the outbox worker. */
  onEnqueued?: () => void;
  /** The payment rails in force (no payments wired: credits only). */
  rails?: () => Promise<{ stripe: boolean; stars: boolean }>;
  /** Free resends of one owned item are at least this far apart (a double tap sends once). */
  resendGapMs?: number;
}

/** The team's `/lock`: media of the admin group and the command's arguments. */
export interface LockInput {
  files: ContentFile[];
  args: string;
  createdBy: number;
  chatId: number;
  /** The media messages and the command: a later `/ppv` replying to any of them finds the item. */
  messageIds: number[];
}

export type LockResult =
  { ok: true; item: ContentItem; text: string } | { ok: false; text: string };

export interface ContentService {
  /**
   * THE TEASER API (stable): queues item X's teaser to fan Y through the durable outbox,
   * once per `dedupeKey`. Drops and `/ppv` both use it.
   */
  sendTeaser(request: TeaserRequest): Promise<TeaserResult>;
  /** The teaser's outbox job without queueing it (to enqueue in the caller's transaction). */
  teaserJobFor(request: TeaserRequest): Promise<NewOutboxJob | TeaserRefusal>;
  /** A vault item by id (archived ones too); null when there is none. */
  getItem(id: number): Promise<ContentItem | null>;
  /** Vault items newest first, with their sales and revenue (active, or archived ones). */
  listItems(query: ListItemsQuery): Promise<ItemPage<ContentItemWithFigures>>;
  /** An item's sales and revenue. */
  figures(id: number): Promise<ContentFigures>;
  /** The vault screen's edits (title, prices, archive, protect, teaser mode). */
  updateItem(id: number, patch: ContentItemPatch): Promise<ContentItem | null>;
  lock(input: LockInput): Promise<LockResult>;
  /** The vault item an admin-group message belongs to (its media, or the `/lock` command). */
  itemOfMessage(chatId: number, messageId: number): Promise<number | null>;
  /** Remembers an album item posted in the admin group (a later `/lock` takes the album). */
  rememberAlbumPart(
    chatId: number,
    groupId: string,
    messageId: number,
    file: ContentFile,
  ): Promise<void>;
  /** The files of an album posted in the admin group, in order. */
  albumFiles(chatId: number, groupId: string): Promise<ContentFile[]>;
  unlockWithCredits(fan: FanProfile, itemId: number): Promise<FanAnswer>;
  /** A library button, or Unlock pressed on an owned item: sent again, free. */
  resend(fan: FanProfile, itemId: number): Promise<FanAnswer>;
  library(fan: FanProfile, page: number): Promise<LibraryView>;
  /** Telegram's `purchased_paid_media`: recorded once in the library and the item's figures. */
  starsPurchased(fan: FanProfile, payload: string): Promise<void>;
}

export function createContentService<Tx>(deps: ContentServiceDeps<Tx>): ContentService {
  const { store, ledger, templates } = deps;
  const now = deps.now ?? (() => new Date());
  const gapMs = deps.resendGapMs ?? 60_000;
  const team = templates.forLanguage(deps.adminLanguage ?? 'en');
  const rails = async (): Promise<TeaserRails> => {
    const r = deps.rails ? await deps.rails() : { stripe: false, stars: false };
    return { money: r.stripe, stars: r.stars };
  };
  const wake = () => deps.onEnqueued?.();
  const unlock: UnlockContext<Tx> = {
    store,
    ledger,
    templates,
    team,
    adminChatId: deps.adminChatId,
    logger: deps.logger,
    now,
    gapMs,
    wake,
  };

  async function teaserJobFor(request: TeaserRequest): Promise<NewOutboxJob | TeaserRefusal> {
    const item = await store.getItem(request.itemId);
    if (!item) return 'unknown_item';
    if (!item.active) return 'archived';
    const locale = await store.fanLanguage(request.fanId);
    return teaserJob({
      item,
      fanId: request.fanId,
      t: templates.forLanguage(locale),
      locale,
      rails: await rails(),
      dedupeKey: request.dedupeKey,
      notBefore: request.notBefore,
      priority: request.priority,
    });
  }

  return {
    teaserJobFor,
    async sendTeaser(request) {
      const job = await teaserJobFor(request);
      if (typeof job === 'string') return { status: job };
      const [jobId] = await store.enqueue([job]);
      wake();
      return { status: 'queued', jobId: jobId! };
    },
    getItem: (id) => store.getItem(id),
    listItems: (query) => store.listItems(query),
    figures: (id) => store.figures(id),
    itemOfMessage: (chatId, messageId) => store.itemOfMessage(chatId, messageId),
    rememberAlbumPart: (chatId, groupId, messageId, file) =>
      store.recordAlbumPart(chatId, groupId, messageId, file, now()),
    albumFiles: (chatId, groupId) => store.albumParts(chatId, groupId),
    updateItem: (id, patch) => store.updateItem(id, patch),

    async lock(input) {
      const parsed = parseLockArgs(input.args, deps.currency);
      if (!parsed.ok) {
        return {
          ok: false,
          text: team(`content.lock.${parsed.problem}`, {
            value: parsed.detail ?? '',
            currency: deps.currency.toUpperCase(),
          }),
        };
      }
      const { price } = parsed;
      const item = await store.createItem({
        title: parsed.title ?? team('content.default_title', { count: input.files.length }),
        priceCredits: price.credits,
        priceCents: price.cents,
        currency: price.cents === null ? null : deps.currency,
        priceStars: price.stars,
        files: input.files,
        createdBy: input.createdBy,
      });
      await store.linkMessages(input.chatId, input.messageIds, item.id);
      return {
        ok: true,
        item,
        text: team('content.lock.done', {
          id: item.id,
          title: item.title,
          files: item.files.length,
          credits: item.priceCredits,
        }),
      };
    },

    unlockWithCredits: (fan, itemId) => unlockWithCredits(unlock, fan, itemId),

    async resend(fan, itemId) {
      const t = templates.forLanguage(fan.languageCode);
      const item = await store.getItem(itemId);
      const owned = item ? await store.purchase(fan.id, itemId) : null;
      if (!item || !owned) return { toast: t('content.not_owned') };
      return sendOwned(unlock, fan, item, owned);
    },

    async library(fan, page) {
      const t = templates.forLanguage(fan.languageCode);
      return libraryPage(t, page, (offset, limit) => store.library(fan.id, { offset, limit }));
    },

    starsPurchased: (fan, payload) => starsPurchased(unlock, fan, payload),
  };
}
