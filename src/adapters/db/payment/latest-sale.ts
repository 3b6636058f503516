/**
 * A fan's latest purchase, for their card (issue 20: the sale note of a first purchase is
 * folded into the card that opens the topic). One row, by the `transactions` index on
 * `user_id`, whatever the length of the fan's history.
 */
import type { Knex } from 'knex';
import { describeAmount } from '../../../core/catalog.js';
import type { PaymentSource } from '../../../core/payments/events.js';
import { FULFILLED_STATUSES } from '../../../core/payments/rules.js';
import type { SaleView } from '../../../core/payments/texts.js';
import { toInt } from '../rows.js';

interface LatestSaleRow {
  source: string;
  amount_paid_usd_cents: unknown;
  currency: string;
  credits_granted: unknown;
  seconds_granted: unknown;
  label: string | null;
  type: string | null;
  amount: unknown;
}

/**
 * The purchases a card shows, over `transactions AS t`: fulfilled, and granting credits or
 * pass time (the latest one is the fan's highest id). One condition for the card's read
 * (card-view-store.ts, hand-written) and `readLatestSale`; bound with CARD_SALE_BINDINGS.
 */
export const CARD_SALE_WHERE =
  `t.status IN (${FULFILLED_STATUSES.map(() => '?').join(', ')}) ` +
  'AND (t.credits_granted > 0 OR t.seconds_granted > 0)';

export const CARD_SALE_BINDINGS: readonly string[] = [...FULFILLED_STATUSES];

/** The latest fulfilled purchase of a fan that granted credits or pass time (null: none). */
export async function readLatestSale(db: Knex, fanId: number): Promise<SaleView | null> {
  const row = (await db('transactions as t')
    .leftJoin('products as p', 'p.id', 't.product_id')
    .where('t.user_id', fanId)
    .whereRaw(CARD_SALE_WHERE, [...CARD_SALE_BINDINGS])
    .orderBy('t.id', 'desc')
    .first(
      't.source',
      't.amount_paid_usd_cents',
      't.currency',
      't.credits_granted',
      't.seconds_granted',
      'p.label',
      'p.type',
      'p.amount',
    )) as LatestSaleRow | undefined;
  if (!row) return null;
  const credits = toInt(row.credits_granted);
  const type = credits > 0 ? 'credits' : 'time';
  const amount = credits > 0 ? credits : toInt(row.seconds_granted);
  return {
    purchase: {
      label: row.label ?? describeAmount(type, amount),
      type,
      amount,
      amountCents: toInt(row.amount_paid_usd_cents),
      currency: row.currency,
    },
    source: row.source as PaymentSource,
  };
}
