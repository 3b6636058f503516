/**
 * The vault and its purchases over knex (core/content/ports.ts): `premium_content` items
 * (files as JSON), `content_purchases` (one per fan and item), the admin-group messages of
 * an item and the album parts `/lock` collects. Figures join Stripe unlocks to their
 * `transactions` row, where refunds and disputes are recorded.
 */
import type { Knex } from 'knex';
import type {
  ContentFigures,
  ContentFile,
  ContentItem,
  TeaserMode,
} from '../../core/content/items.js';
import type {
  ContentItemPatch,
  ContentPurchase,
  ContentStore,
  UnlockSource,
} from '../../core/content/ports.js';
import { enqueueIn } from './outbox/enqueue.js';
import type { FanGroupPlacer } from './outbox/fan-groups.js';
import { toBool, toInt, toRequiredDate } from './rows.js';

/** Album parts older than this are pruned: an album's items arrive within seconds. */
const ALBUM_KEEP_MS = 24 * 60 * 60_000;

type Row = Record<string, unknown>;

function filesOf(row: Row): ContentFile[] {
  if (typeof row.files === 'string' && row.files !== '') {
    return JSON.parse(row.files) as ContentFile[];
  }
  return [{ kind: row.media_kind as ContentFile['kind'], fileId: String(row.file_id) }];
}

function nullableInt(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

function toItem(row: Row): ContentItem {
  return {
    id: toInt(row.id),
    title: String(row.title),
    priceCredits: toInt(row.price_credits),
    priceCents: nullableInt(row.price_cents),
    currency: (row.currency as string | null) ?? null,
    priceStars: nullableInt(row.price_stars),
    files: filesOf(row),
    active: toBool(row.active),
    protect: toBool(row.protect_content),
    teaser: (row.teaser as TeaserMode) ?? 'spoiler',
    teaserFileId: (row.teaser_file_id as string | null | undefined) ?? null,
    createdBy: nullableInt(row.created_by),
    createdAt: toRequiredDate(row.created_at),
  };
}

function toPurchase(row: Row): ContentPurchase {
  return {
    id: toInt(row.id),
    fanId: toInt(row.user_id),
    itemId: toInt(row.content_id),
    source: row.source as UnlockSource,
    credits: toInt(row.credits),
    ledgerKey: (row.ledger_key as string | null) ?? null,
    paymentId: nullableInt(row.payment_id),
    stars: nullableInt(row.stars),
    deliveries: toInt(row.deliveries),
    createdAt: toRequiredDate(row.created_at),
  };
}

const PATCH_COLUMNS: Record<keyof ContentItemPatch, string> = {
  title: 'title',
  priceCredits: 'price_credits',
  priceCents: 'price_cents',
  currency: 'currency',
  priceStars: 'price_stars',
  active: 'active',
  protect: 'protect_content',
  teaser: 'teaser',
  teaserFileId: 'teaser_file_id',
};

/** Sales and revenue per item, for `ids`. */
async function figuresOf(db: Knex, ids: readonly number[]): Promise<Map<number, ContentFigures>> {
  const result = new Map<number, ContentFigures>();
  for (const id of ids)
    result.set(id, { sales: 0, credits: 0, moneyCents: 0, refundedCents: 0, stars: 0 });
  if (ids.length === 0) return result;
  const rows = (await db('content_purchases as p')
    .leftJoin('transactions as t', 't.id', 'p.payment_id')
    .whereIn('p.content_id', ids)
    .groupBy('p.content_id')
    .select('p.content_id')
    .count({ sales: '*' })
    .sum({ credits: 'p.credits', stars: 'p.stars', paid: 't.amount_paid_usd_cents' })
    .sum({ refunded: 't.amount_refunded_cents' })) as Row[];
  for (const row of rows) {
    const paid = toInt(row.paid ?? 0);
    const refunded = toInt(row.refunded ?? 0);
    result.set(toInt(row.content_id), {
      sales: toInt(row.sales),
      credits: toInt(row.credits ?? 0),
      moneyCents: paid - refunded,
      refundedCents: refunded,
      stars: toInt(row.stars ?? 0),
    });
  }
  return result;
}

type Store = ContentStore<Knex.Transaction>;
type ItemOps = Omit<
  Store,
  | 'transaction'
  | 'purchase'
  | 'recordPurchase'
  | 'claimSend'
  | 'library'
  | 'fanLanguage'
  | 'enqueue'
>;

/** The vault's items, their admin-group messages and album parts. */
function itemOps(db: Knex): ItemOps {
  const q = (tx?: Knex.Transaction) => tx ?? db;
  const getItem = async (id: number, tx?: Knex.Transaction) => {
    const row = (await q(tx)('premium_content').where({ id }).first()) as Row | undefined;
    return row ? toItem(row) : null;
  };
  return {
    getItem,

    async createItem(item, tx) {
      const first = item.files[0]!;
      const now = new Date();
      const inserted = (await q(tx)('premium_content')
        .insert({
          title: item.title,
          price_credits: item.priceCredits,
          price_cents: item.priceCents,
          currency: item.currency,
          price_stars: item.priceStars,
          media_kind: item.files.length > 1 ? 'album' : first.kind,
          file_id: first.fileId,
          files: JSON.stringify(item.files),
          created_by: item.createdBy,
          created_at: now,
          updated_at: now,
        })
        .returning('id')) as Array<{ id: number } | number>;
      const raw = inserted[0]!;
      return (await getItem(toInt(typeof raw === 'object' ? raw.id : raw), tx))!;
    },

    async listItems(query) {
      const base = () => db('premium_content').where('active', !query.archived);
      const counted = (await base().count({ n: '*' }).first()) as Row | undefined;
      const rows = (await base()
        .orderBy('id', 'desc')
        .offset(query.offset)
        .limit(query.limit)
        .select('*')) as Row[];
      const items = rows.map(toItem);
      const figures = await figuresOf(
        db,
        items.map((i) => i.id),
      );
      return {
        total: toInt(counted?.n ?? 0),
        items: items.map((i) => ({ ...i, figures: figures.get(i.id)! })),
      };
    },

    async updateItem(id, patch) {
      const row: Row = { updated_at: new Date() };
      for (const [key, value] of Object.entries(patch)) {
        row[PATCH_COLUMNS[key as keyof ContentItemPatch]] = value;
      }
      await db('premium_content').where({ id }).update(row);
      return getItem(id);
    },

    async figures(id) {
      return (await figuresOf(db, [id])).get(id)!;
    },

    async linkMessages(chatId, messageIds, itemId) {
      const rows = [...new Set(messageIds)].map((m) => ({
        chat_id: chatId,
        message_id: m,
        item_id: itemId,
      }));
      if (rows.length === 0) return;
      await db('content_item_messages')
        .insert(rows)
        .onConflict(['chat_id', 'message_id'])
        .merge(['item_id']);
    },

    async itemOfMessage(chatId, messageId) {
      const row = (await db('content_item_messages')
        .where({ chat_id: chatId, message_id: messageId })
        .first('item_id')) as Row | undefined;
      return row ? toInt(row.item_id) : null;
    },

    async recordAlbumPart(chatId, groupId, messageId, file, now) {
      await db('content_album_parts')
        .where('created_at_ms', '<', now.getTime() - ALBUM_KEEP_MS)
        .delete();
      await db('content_album_parts')
        .insert({
          chat_id: chatId,
          message_id: messageId,
          media_group_id: groupId,
          kind: file.kind,
          file_id: file.fileId,
          created_at_ms: now.getTime(),
        })
        .onConflict(['chat_id', 'message_id'])
        .ignore();
    },

    async albumParts(chatId, groupId) {
      const rows = (await db('content_album_parts')
        .where({ chat_id: chatId, media_group_id: groupId })
        .orderBy('message_id')
        .select('kind', 'file_id')) as Row[];
      return rows.map((r) => ({
        kind: r.kind as ContentFile['kind'],
        fileId: String(r.file_id),
      }));
    },
  };
}

/** Builds the content store; with several admin groups, `groups` places topic notes. */
export function createContentStore(db: Knex, groups?: FanGroupPlacer): Store {
  const q = (tx?: Knex.Transaction) => tx ?? db;
  return {
    ...itemOps(db),
    transaction: (fn) => db.transaction(fn),
    async purchase(fanId, itemId, tx) {
      const row = (await q(tx)('content_purchases')
        .where({ user_id: fanId, content_id: itemId })
        .first()) as Row | undefined;
      return row ? toPurchase(row) : null;
    },

    async recordPurchase(p, tx) {
      const inserted = (await q(tx)('content_purchases')
        .insert({
          user_id: p.fanId,
          content_id: p.itemId,
          source: p.source,
          credits: p.credits ?? 0,
          ledger_key: p.ledgerKey ?? null,
          payment_id: p.paymentId ?? null,
          stars: p.stars ?? null,
          last_sent_at_ms: p.sentAt?.getTime() ?? 0,
          deliveries: p.sentAt ? 1 : 0,
          created_at: new Date(),
        })
        .onConflict(['user_id', 'content_id'])
        .ignore()
        .returning('*')) as Row[];
      return inserted[0] ? toPurchase(inserted[0]) : null;
    },

    async claimSend(purchaseId, now, gapMs, tx) {
      const claimed = await q(tx)('content_purchases')
        .where('id', purchaseId)
        .where('last_sent_at_ms', '<=', now.getTime() - gapMs)
        .update({ last_sent_at_ms: now.getTime(), deliveries: db.raw('deliveries + 1') });
      return claimed === 1;
    },

    async library(fanId, query) {
      const base = () => db('content_purchases as p').where('p.user_id', fanId);
      const counted = (await base().count({ n: '*' }).first()) as Row | undefined;
      const rows = (await base()
        .join('premium_content as c', 'c.id', 'p.content_id')
        .orderBy('p.id', 'desc')
        .offset(query.offset)
        .limit(query.limit)
        .select('c.*')) as Row[];
      return { total: toInt(counted?.n ?? 0), items: rows.map(toItem) };
    },

    async fanLanguage(fanId, tx) {
      const row = (await q(tx)('users').where({ id: fanId }).first('language_code')) as
        Row | undefined;
      return (row?.language_code as string | null | undefined) ?? null;
    },

    enqueue: (jobs, tx) => enqueueIn(q(tx), jobs, groups),
  };
}
