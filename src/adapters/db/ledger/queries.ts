import type { Knex } from 'knex';
import type { LedgerEntry, LedgerSums } from '../../../core/ledger.js';
import { toInt } from '../rows.js';
import { requireBalance } from './balance.js';
import { findEntry } from './entries.js';
import { toEntry, type LedgerRow } from './mapping.js';
import type { DbLedgerStore, DbTx } from './types.js';

type LedgerQueries = Pick<DbLedgerStore, 'balance' | 'sumLedger' | 'history' | 'findEntry'>;

/** Reads: the cached balance, the ledger's sums (they must agree), history and one entry. */
export function createLedgerQueries(db: Knex): LedgerQueries {
  async function sumLedger(fanId: number, trx?: DbTx): Promise<LedgerSums> {
    const row = (await (trx ?? db)('credit_ledger')
      .where('user_id', fanId)
      .select(
        db.raw('COALESCE(SUM(credits_delta), 0) AS credits'),
        db.raw('COALESCE(SUM(seconds_delta), 0) AS seconds'),
        db.raw('COALESCE(SUM(debt_delta), 0) AS debt'),
        db.raw('COALESCE(SUM(time_debt_delta), 0) AS time_debt'),
      )
      .first()) as Record<'credits' | 'seconds' | 'debt' | 'time_debt', unknown> | undefined;
    return {
      credits: toInt(row?.credits),
      seconds: toInt(row?.seconds),
      debt: toInt(row?.debt),
      timeDebt: toInt(row?.time_debt),
    };
  }

  async function history(
    fanId: number,
    options: { limit?: number } = {},
    trx?: DbTx,
  ): Promise<LedgerEntry[]> {
    const rows = (await (trx ?? db)('credit_ledger')
      .where('user_id', fanId)
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)) as LedgerRow[];
    return rows.map(toEntry);
  }

  return {
    balance: (fanId, trx) => requireBalance(trx ?? db, fanId),
    sumLedger,
    history,
    findEntry: (key, trx) => findEntry(trx ?? db, key),
  };
}
