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
import { CARD_SALE_BINDINGS, CARD_SALE_WHERE, readLatestSale } from './payment/latest-sale.js';
import { rowsOf } from './raw.js';
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

/**
 * The card's read, written by hand once (issue 17: built by knex it cost a new fan's text
 * 270 µs on SQLite; one text is prepared once). The latest purchase is picked as
 * `readLatestSale` picks it (CARD_SALE_WHERE, the highest id), by the `transactions` index
 * on `user_id`, one row whatever the fan's history.
 */
const CARD_SQL =
  `SELECT ${ACCOUNT_COLUMNS.join(', ')}, fc.user_id AS claim_user_id, tn.name AS claim_name, ` +
  `(SELECT t.id FROM transactions AS t WHERE t.user_id = u.id AND ${CARD_SALE_WHERE} ` +
  'ORDER BY t.id DESC LIMIT 1) AS sale_id ' +
  'FROM users AS u LEFT JOIN conversations AS c ON c.user_id = u.id ' +
  'LEFT JOIN fan_claims AS fc ON fc.fan_id = u.id ' +
  'LEFT JOIN team_names AS tn ON tn.user_id = fc.user_id WHERE u.id = ? LIMIT 1';

/** A fan's card data in one read (null: no such fan). */
export async function readCardView(db: Knex, fanId: number): Promise<CardView | null> {
  const row = rowsOf<CardRow>(await db.raw(CARD_SQL, [...CARD_SALE_BINDINGS, fanId]))[0];
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
