/** Rows of `users` (the cached balance) and `credit_ledger`, read the same on both dialects. */
import type { Balance, LedgerEntry, LedgerKind, LedgerMeta } from '../../../core/ledger.js';
import { toBool, toDate, toInt, toRequiredDate } from '../rows.js';

export interface UserRow {
  id: number | string;
  message_credits: number | string;
  time_credits_seconds: number | string;
  credit_debt: number | string;
  time_debt_seconds: number | string;
  pass_started_at: unknown;
  pass_ends_at: unknown;
  is_frozen: unknown;
}

export interface LedgerRow {
  id: number | string;
  user_id: number | string;
  kind: string;
  credits_delta: number | string;
  seconds_delta: number | string;
  debt_delta: number | string;
  time_debt_delta: number | string;
  idempotency_key: string;
  reference: string | null;
  note: string | null;
  created_at: unknown;
}

/** A movement about to be written (deltas default to 0). */
export interface NewEntry {
  fanId: number;
  kind: LedgerKind;
  creditsDelta?: number;
  secondsDelta?: number;
  debtDelta?: number;
  timeDebtDelta?: number;
  key: string;
  meta: LedgerMeta;
}

export const USER_BALANCE_COLUMNS = [
  'id',
  'message_credits',
  'time_credits_seconds',
  'credit_debt',
  'time_debt_seconds',
  'pass_started_at',
  'pass_ends_at',
  'is_frozen',
] as const;

/** A `users` row as the fan's balance. */
export function toBalance(row: UserRow): Balance {
  return {
    fanId: toInt(row.id),
    credits: toInt(row.message_credits),
    seconds: toInt(row.time_credits_seconds),
    debt: toInt(row.credit_debt),
    timeDebt: toInt(row.time_debt_seconds),
    passStartedAt: toDate(row.pass_started_at),
    passEndsAt: toDate(row.pass_ends_at),
    isFrozen: toBool(row.is_frozen),
  };
}

/** A `credit_ledger` row as an entry. */
export function toEntry(row: LedgerRow): LedgerEntry {
  return {
    id: toInt(row.id),
    fanId: toInt(row.user_id),
    kind: row.kind as LedgerKind,
    creditsDelta: toInt(row.credits_delta),
    secondsDelta: toInt(row.seconds_delta),
    debtDelta: toInt(row.debt_delta),
    timeDebtDelta: toInt(row.time_debt_delta),
    idempotencyKey: row.idempotency_key,
    reference: row.reference,
    note: row.note,
    createdAt: toRequiredDate(row.created_at),
  };
}
