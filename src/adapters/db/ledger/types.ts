import type { Knex } from 'knex';
import type { LedgerEntry, LedgerStore } from '../../../core/ledger.js';

/** A knex transaction, the `Tx` of the ledger port on this adapter. */
export type DbTx = Knex.Transaction;

/** The knex-backed ledger: the LedgerStore port plus read helpers for admin views. */
export interface DbLedgerStore extends LedgerStore<DbTx> {
  /** The fan's latest entries, newest first. */
  history(fanId: number, options?: { limit?: number }, trx?: DbTx): Promise<LedgerEntry[]>;
  /** The entry recorded under an idempotency key, if any. */
  findEntry(key: string, trx?: DbTx): Promise<LedgerEntry | null>;
  /**
   * Gives back the credits of the spend under `spendKey` (an undelivered relay) as a
   * `relay_refund` entry under `key`, once; null when there is no such spend.
   */
  returnSpend(
    spendKey: string,
    key: string,
    trx?: DbTx,
  ): Promise<{ fanId: number; credits: number; duplicate: boolean } | null>;
}
