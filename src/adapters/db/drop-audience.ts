/**
 * Drops' reads outside their own tables: the vault items (`premium_content`) and the fans of a
 * segment (`users`, with `content_purchases` for "never bought this item"), and what the drop
 * brought (`content_purchases`, `transactions`).
 */
import type { Knex } from 'knex';
import type { Drop, DropItem, DropResults, DropStore } from '../../core/drops/ports.js';
import { activeSince, type DropSegment } from '../../core/drops/segment.js';
import { toBool, toInt } from './rows.js';

function toItem(row: {
  id: number | string;
  title: string;
  price_credits: number | string;
  active: unknown;
}): DropItem {
  return {
    id: toInt(row.id),
    title: row.title,
    priceCredits: toInt(row.price_credits),
    active: toBool(row.active),
  };
}

/** The fans of `segment` (banned fans never get a drop), as a query over `users u`. */
export function audienceQuery(db: Knex, itemId: number, segment: DropSegment, now: Date) {
  const q = db('users as u').where('u.is_banned', false);
  switch (segment.kind) {
    case 'all':
      return q;
    case 'tier':
      return q.whereRaw('COALESCE(u.tier_override, u.tier) = ?', [segment.tier]);
    case 'spent':
      return q.where('u.total_spent_cents', '>=', segment.minCents);
    case 'active':
      return q.where('u.last_activity_at', '>=', activeSince(segment.days, now));
    case 'not_bought':
      return q.whereNotExists(
        db('content_purchases as p')
          .select(db.raw('1'))
          .whereRaw('p.user_id = u.id')
          .andWhere('p.content_id', itemId),
      );
  }
}

const ITEM_COLUMNS = ['id', 'title', 'price_credits', 'active'];

/** The vault items and the audience of a segment. */
export function itemQueries(
  db: Knex,
): Pick<
  DropStore & { fanLanguage(fanId: number): Promise<string | null> },
  'fanLanguage' | 'item' | 'items' | 'audience'
> {
  return {
    async fanLanguage(fanId) {
      const row = (await db('users').where({ id: fanId }).first('language_code')) as
        { language_code: string | null } | undefined;
      return row?.language_code ?? null;
    },
    async item(id) {
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      const row = await db('premium_content').where({ id }).first(ITEM_COLUMNS);
      return row ? toItem(row) : null;
    },
    async items(offset, limit) {
      const active = () => db('premium_content').where('active', true);
      const [count] = (await active().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = await active()
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .select(ITEM_COLUMNS);
      return { items: rows.map(toItem), total: toInt(count?.n) };
    },
    async audience(itemId, segment, now) {
      const row = (await audienceQuery(db, itemId, segment, now)
        .select(
          db.raw('COUNT(*) AS fans'),
          db.raw('SUM(CASE WHEN u.is_blocked THEN 1 ELSE 0 END) AS blocked'),
        )
        .first()) as { fans: number | string; blocked: number | string | null } | undefined;
      return { fans: toInt(row?.fans), blocked: toInt(row?.blocked) };
    },
  };
}

/** The unlocks of the item, since the drop started, by the fans it reached. */
export async function dropResults(db: Knex, drop: Drop): Promise<DropResults> {
  const row = (await db('content_purchases as p')
    .join('drop_recipients as r', function () {
      this.on('r.fan_id', '=', 'p.user_id').andOn('r.drop_id', '=', db.raw('?', [drop.id]));
    })
    .leftJoin('transactions as t', 't.id', 'p.payment_id')
    .where('p.content_id', drop.itemId)
    .andWhere('r.status', 'sent')
    .andWhere('p.created_at', '>=', drop.createdAt)
    .select(
      db.raw('COUNT(*) AS unlocked'),
      db.raw('COALESCE(SUM(p.credits), 0) AS credits'),
      db.raw('COALESCE(SUM(p.stars), 0) AS stars'),
      db.raw(
        'COALESCE(SUM(t.amount_paid_usd_cents), 0) - COALESCE(SUM(t.amount_refunded_cents), 0) AS money',
      ),
      db.raw('MAX(t.currency) AS currency'),
    )
    .first()) as
    | {
        unlocked: number | string;
        credits: number | string;
        stars: number | string;
        money: number | string;
        currency: string | null;
      }
    | undefined;
  return {
    unlocked: toInt(row?.unlocked),
    revenueCredits: toInt(row?.credits),
    moneyCents: toInt(row?.money),
    currency: row?.currency ?? null,
    stars: toInt(row?.stars),
  };
}
