/**
 * Several fans' accounts in one statement (issue 17): the balance bars that fall due together
 * are rendered from one read instead of one per fan.
 */
import type { Knex } from 'knex';
import type { FanAccount } from '../../core/fan-account.js';
import { ACCOUNT_COLUMNS, toFanAccount, type AccountRow } from './fan-account-store.js';
import { toInt } from './rows.js';

/** SQLite allows 999 bound values per statement in old builds: stay well under. */
const CHUNK = 500;

export async function readFanAccounts(
  db: Knex,
  fanIds: readonly number[],
): Promise<Map<number, FanAccount>> {
  const accounts = new Map<number, FanAccount>();
  const ids = [...new Set(fanIds)];
  for (let from = 0; from < ids.length; from += CHUNK) {
    const rows = (await db('users as u')
      .leftJoin('conversations as c', 'c.user_id', 'u.id')
      .whereIn('u.id', ids.slice(from, from + CHUNK))
      .select(...ACCOUNT_COLUMNS)) as AccountRow[];
    for (const row of rows) accounts.set(toInt(row.id), toFanAccount(row));
  }
  return accounts;
}
