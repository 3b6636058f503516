/**
 * The part of a purchase that pays off debt, recorded as its own `settle:<grant key>` entry:
 * credits bought against credit debt, a pass bought against time debt.
 */
import type { Knex } from 'knex';
import { IdempotencyConflictError } from '../../../core/errors.js';
import { ledgerKeys } from '../../../core/ledger.js';
import { findEntry, insertEntry } from './entries.js';
import type { NewEntry } from './mapping.js';
import type { DbTx } from './types.js';

/** What a settlement pays with: credits (against credit debt) or pass seconds (time debt). */
export type SettleUnit = 'credits' | 'seconds';

function settleDeltas(unit: SettleUnit, settled: number): Partial<NewEntry> {
  return unit === 'credits'
    ? { creditsDelta: -settled, debtDelta: -settled }
    : { secondsDelta: -settled, timeDebtDelta: -settled };
}

/** Records that `settled` credits (or seconds) of the purchase under `grantKey` paid off debt. */
export async function recordDebtSettlement(
  tx: DbTx,
  fanId: number,
  grantKey: string,
  settled: number,
  unit: SettleUnit = 'credits',
): Promise<void> {
  if (settled <= 0) return;
  const settleEntry = await insertEntry(tx, {
    fanId,
    kind: 'debt_settle',
    ...settleDeltas(unit, settled),
    key: ledgerKeys.debtSettle(grantKey),
    meta: { reference: grantKey },
  });
  if (!settleEntry) {
    throw new IdempotencyConflictError(ledgerKeys.debtSettle(grantKey), 'by another entry');
  }
}

/** How much debt (credits, or seconds) the purchase under `grantKey` paid off when recorded. */
export async function debtSettledBy(
  q: Knex | DbTx,
  grantKey: string,
  unit: SettleUnit = 'credits',
): Promise<number> {
  const settle = await findEntry(q, ledgerKeys.debtSettle(grantKey));
  if (!settle) return 0;
  return unit === 'credits' ? -settle.creditsDelta : -settle.secondsDelta;
}
