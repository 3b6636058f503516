/** The part of a purchase that pays off debt, recorded as its own `settle:<grant key>` entry. */
import type { Knex } from 'knex';
import { IdempotencyConflictError } from '../../../core/errors.js';
import { ledgerKeys } from '../../../core/ledger.js';
import { findEntry, insertEntry } from './entries.js';
import type { DbTx } from './types.js';

/** Records that `settled` credits of the grant under `grantKey` paid off the fan's debt. */
export async function recordDebtSettlement(
  tx: DbTx,
  fanId: number,
  grantKey: string,
  settled: number,
): Promise<void> {
  if (settled <= 0) return;
  const settleEntry = await insertEntry(tx, {
    fanId,
    kind: 'debt_settle',
    creditsDelta: -settled,
    debtDelta: -settled,
    key: ledgerKeys.debtSettle(grantKey),
    meta: { reference: grantKey },
  });
  if (!settleEntry) {
    throw new IdempotencyConflictError(ledgerKeys.debtSettle(grantKey), 'by another entry');
  }
}

/** How much debt the grant under `grantKey` paid off when it was recorded. */
export async function debtSettledBy(q: Knex | DbTx, grantKey: string): Promise<number> {
  const settle = await findEntry(q, ledgerKeys.debtSettle(grantKey));
  return settle ? -settle.creditsDelta : 0;
}
