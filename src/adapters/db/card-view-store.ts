/**
 * What a fan's info card shows, read in one statement (issue 17): the fan's account (their
 * row and topic), who holds them (`fan_claims` and the holder's name) and whether they have
 * a purchase to show. The purchase itself (a join with its product) is read only for a fan
 * who has one. A new fan's card cost four reads (account, claim, holder's name, latest
 * purchase) when it was posted and again at each refresh; it costs one.
 */
import type { Knex } from 'knex';
import type { FanAccount } from '../../core/fan-account.js';
import type { SaleView } from '../../core/payments/texts.js';
import { ACCOUNT_COLUMNS, toFanAccount, type AccountRow } from './fan-account-store.js';
import { cardSales, readLatestSale } from './payment/latest-sale.js';
import { toInt } from './rows.js';

/** A card's data: the account, the name of who holds the fan (null: nobody), the purchase. */
export interface CardView {
  account: FanAccount;
  claimedBy: string | null;
  sale: SaleView | null;
}

interface CardRow extends AccountRow {
  claim_user_id: unknown;
  claim_name: string | null;
  sale_id: unknown;
}

export async function readCardView(db: Knex, fanId: number): Promise<CardView | null> {
  // The latest fulfilled purchase that granted something, as `readLatestSale` picks it: by
  // the `transactions` index on `user_id`, one row whatever the fan's history.
  const saleId = cardSales(db('transactions as t').select('t.id').whereRaw('t.user_id = u.id'))
    .orderBy('t.id', 'desc')
    .limit(1)
    .as('sale_id');
  const row = (await db('users as u')
    .leftJoin('conversations as c', 'c.user_id', 'u.id')
    .leftJoin('fan_claims as fc', 'fc.fan_id', 'u.id')
    .leftJoin('team_names as tn', 'tn.user_id', 'fc.user_id')
    .where('u.id', fanId)
    .first(...ACCOUNT_COLUMNS, 'fc.user_id as claim_user_id', 'tn.name as claim_name', saleId)) as
    CardRow | undefined;
  if (!row) return null;
  const holder =
    row.claim_user_id === null || row.claim_user_id === undefined
      ? null
      : (row.claim_name ?? `#${toInt(row.claim_user_id)}`);
  const hasSale = row.sale_id !== null && row.sale_id !== undefined;
  return {
    account: toFanAccount(row),
    claimedBy: holder,
    sale: hasSale ? await readLatestSale(db, fanId) : null,
  };
}
