/**
 * The ledger's invariant, checked for every fan at once: each cached balance column of
 * `users` equals the sum of the fan's ledger column. One grouped query (a single pass over
 * the ledger), cheap enough for `premiumbot doctor`.
 */
import type { Knex } from 'knex';
import { toInt } from '../rows.js';

/** A fan whose cached balance differs from their ledger. */
export interface LedgerMismatch {
  fanId: number;
  cached: { credits: number; seconds: number; debt: number; timeDebt: number };
  ledger: { credits: number; seconds: number; debt: number; timeDebt: number };
}

const PAIRS = [
  ['message_credits', 'credits'],
  ['time_credits_seconds', 'seconds'],
  ['credit_debt', 'debt'],
  ['time_debt_seconds', 'time_debt'],
] as const;

/** Up to `limit` fans whose cached balance is not the sum of their ledger. */
export async function ledgerMismatches(db: Knex, limit = 20): Promise<LedgerMismatch[]> {
  const sums = db('credit_ledger')
    .select('user_id')
    .sum({ credits: 'credits_delta', seconds: 'seconds_delta' })
    .sum({ debt: 'debt_delta', time_debt: 'time_debt_delta' })
    .groupBy('user_id')
    .as('l');
  const differs = PAIRS.map(([cached, sum]) => `u.${cached} <> COALESCE(l.${sum}, 0)`).join(' OR ');
  const rows = (await db('users as u')
    .leftJoin(sums, 'l.user_id', 'u.id')
    .whereRaw(`(${differs})`)
    .orderBy('u.id')
    .limit(limit)
    .select(
      'u.id',
      ...PAIRS.map(([cached]) => `u.${cached}`),
      ...PAIRS.map(([, sum]) => `l.${sum}`),
    )) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    fanId: toInt(r.id),
    cached: {
      credits: toInt(r.message_credits),
      seconds: toInt(r.time_credits_seconds),
      debt: toInt(r.credit_debt),
      timeDebt: toInt(r.time_debt_seconds),
    },
    ledger: {
      credits: toInt(r.credits ?? 0),
      seconds: toInt(r.seconds ?? 0),
      debt: toInt(r.debt ?? 0),
      timeDebt: toInt(r.time_debt ?? 0),
    },
  }));
}
