/** The fan's cached balance on `users`: read, lock, and move it inside a ledger transaction. */
import type { Knex } from 'knex';
import { UnknownFanError } from '../../../core/errors.js';
import { validateKey, type Balance } from '../../../core/ledger.js';
import { USER_BALANCE_COLUMNS, toBalance, type UserRow } from './mapping.js';
import type { DbTx } from './types.js';

/** Runs `fn` in a transaction, or in a savepoint of the caller's `trx` when one is given. */
export function inTx<T>(db: Knex, trx: DbTx | undefined, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return trx ? trx.transaction(fn) : db.transaction(fn);
}

/**
 * Checks the idempotency key, then runs `fn` with the fan's row locked, in a transaction (a
 * savepoint of the caller's `trx` when one is given).
 */
export function withLockedFan<T>(
  db: Knex,
  trx: DbTx | undefined,
  fanId: number,
  key: string,
  fn: (tx: DbTx, fan: Balance) => Promise<T>,
): Promise<T> {
  validateKey(key);
  return inTx(db, trx, async (tx) => fn(tx, await lockFan(tx, fanId)));
}

async function readFan(q: Knex | DbTx, fanId: number): Promise<Balance | null> {
  const row = (await q('users').select(USER_BALANCE_COLUMNS).where('id', fanId).first()) as
    UserRow | undefined;
  return row ? toBalance(row) : null;
}

/** The fan's balance; throws UnknownFanError for a fan never seen. */
export async function requireBalance(q: Knex | DbTx, fanId: number): Promise<Balance> {
  const balance = await readFan(q, fanId);
  if (!balance) throw new UnknownFanError(fanId);
  return balance;
}

/** Reads the fan's row and, on Postgres, locks it until the transaction ends. */
export async function lockFan(tx: DbTx, fanId: number): Promise<Balance> {
  const row = (await tx('users')
    .select(USER_BALANCE_COLUMNS)
    .where('id', fanId)
    .forUpdate()
    .first()) as UserRow | undefined;
  if (!row) throw new UnknownFanError(fanId);
  return toBalance(row);
}

/** `column + n` or `column - n`, evaluated by the database against the locked row. */
export function shift(tx: DbTx, column: string, sign: '+' | '-', n: number): Knex.Raw {
  return tx.raw(`${column} ${sign} ?`, [n]);
}

/** Updates the fan's cached columns (and `updated_at`). */
export async function updateFan(
  tx: DbTx,
  fanId: number,
  values: Record<string, unknown>,
): Promise<void> {
  await tx('users')
    .where('id', fanId)
    .update({ ...values, updated_at: new Date() });
}
