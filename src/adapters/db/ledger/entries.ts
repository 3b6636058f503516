/** Ledger entries: looked up and appended by idempotency key. */
import type { Knex } from 'knex';
import { IdempotencyConflictError } from '../../../core/errors.js';
import type { LedgerEntry, LedgerKind } from '../../../core/ledger.js';
import { toEntry, type LedgerRow, type NewEntry } from './mapping.js';
import type { DbTx } from './types.js';

/** The entry recorded under `key`, if any. */
export async function findEntry(q: Knex | DbTx, key: string): Promise<LedgerEntry | null> {
  const row = (await q('credit_ledger').where('idempotency_key', key).first()) as
    LedgerRow | undefined;
  return row ? toEntry(row) : null;
}

/** Inserts an entry unless its key exists; returns null for a duplicate key. */
export async function insertEntry(tx: DbTx, entry: NewEntry): Promise<LedgerEntry | null> {
  const rows = (await tx('credit_ledger')
    .insert({
      user_id: entry.fanId,
      kind: entry.kind,
      credits_delta: entry.creditsDelta ?? 0,
      seconds_delta: entry.secondsDelta ?? 0,
      debt_delta: entry.debtDelta ?? 0,
      time_debt_delta: entry.timeDebtDelta ?? 0,
      idempotency_key: entry.key,
      reference: entry.meta.reference ?? null,
      note: entry.meta.note ?? null,
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('*')) as LedgerRow[];
  const row = rows[0];
  return row ? toEntry(row) : null;
}

/** The earlier entry for `key`, checked to describe the same movement. */
export async function earlierEntry(
  q: Knex | DbTx,
  key: string,
  fanId: number,
  kinds: readonly LedgerKind[],
  check?: (entry: LedgerEntry) => boolean,
): Promise<LedgerEntry> {
  const entry = await findEntry(q, key);
  if (!entry) {
    // Only reachable if the key vanished, which the append-only triggers forbid.
    throw new IdempotencyConflictError(key, 'but its entry cannot be found');
  }
  if (entry.fanId !== fanId) {
    throw new IdempotencyConflictError(key, `for fan ${entry.fanId}`);
  }
  if (!kinds.includes(entry.kind)) {
    throw new IdempotencyConflictError(key, `for a ${entry.kind} entry`);
  }
  if (check && !check(entry)) {
    throw new IdempotencyConflictError(key, 'with a different amount');
  }
  return entry;
}
