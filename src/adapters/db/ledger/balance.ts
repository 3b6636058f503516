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
    .forNoKeyUpdate()
    .first()) as UserRow | undefined;
  if (!row) throw new UnknownFanError(fanId);
  return toBalance(row);
}

/** `column + n` or `column - n`, evaluated by the database against the locked row. */
export function shift(tx: DbTx, column: string, sign: '+' | '-', n: number): Knex.Raw {
  return tx.raw(`${column} ${sign} ?`, [n]);
}

/** `column + delta`, evaluated by the database against the row being updated. */
function plus(tx: DbTx, column: string, delta: number): Knex.Raw {
  return shift(tx, column, delta < 0 ? '-' : '+', Math.abs(delta));
}

/**
 * One movement of a fan's cached columns: the deltas of its ledger entries, and what the
 * balance bar needs (kept on the row so no read scans the ledger).
 */
export interface FanMove {
  credits?: number;
  seconds?: number;
  debt?: number;
  timeDebt?: number;
  /** A grant, gift or adjustment of `credits`: the balance after it becomes the bar's 100%. */
  topUp?: { credits: number; at: Date };
  /** The balance after this movement is the bar's 100% (a purchase that settled debt). */
  marksTopUpBalance?: boolean;
  /** Other columns set in the same statement. */
  set?: Record<string, unknown>;
  /** Only when these hold (a conditional update); null is returned when they do not. */
  where?: (q: Knex.QueryBuilder) => void;
}

/**
 * Moves the fan's cached columns by `move` in one UPDATE … RETURNING, the only place the
 * ledger changes a balance; returns the new balance (null: `move.where` did not hold).
 */
export async function moveFan(tx: DbTx, fanId: number, move: FanMove): Promise<Balance | null> {
  const values: Record<string, unknown> = { ...move.set, updated_at: new Date() };
  const credits = move.credits ?? 0;
  if (credits !== 0) values.message_credits = plus(tx, 'message_credits', credits);
  if (move.seconds) values.time_credits_seconds = plus(tx, 'time_credits_seconds', move.seconds);
  if (move.debt) values.credit_debt = plus(tx, 'credit_debt', move.debt);
  if (move.timeDebt) values.time_debt_seconds = plus(tx, 'time_debt_seconds', move.timeDebt);
  if (move.topUp || move.marksTopUpBalance) {
    // The right-hand side reads the row before the update: old balance + delta = new balance.
    values.last_top_up_balance = plus(tx, 'message_credits', credits);
  }
  if (move.topUp) {
    values.last_top_up_credits = move.topUp.credits;
    values.last_top_up_at = move.topUp.at;
  }
  const query = tx('users').where('id', fanId);
  move.where?.(query);
  const rows = (await query.update(values).returning([...USER_BALANCE_COLUMNS])) as UserRow[];
  return rows[0] ? toBalance(rows[0]) : null;
}

/** Like moveFan, for a movement that cannot be refused (the fan's row is locked). */
export async function requireMove(tx: DbTx, fanId: number, move: FanMove): Promise<Balance> {
  const balance = await moveFan(tx, fanId, move);
  if (!balance) throw new UnknownFanError(fanId);
  return balance;
}
