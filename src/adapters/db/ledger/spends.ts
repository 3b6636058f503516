/**
 * Credits spent on a relayed message or an unlocked item, never below zero. No savepoint:
 * a refused spend writes nothing, and a spend whose key turns out to be taken is undone in
 * the same transaction, so the caller's transaction stays usable either way.
 */
import type { Knex } from 'knex';
import { AccountFrozenError, InsufficientCreditsError } from '../../../core/errors.js';
import {
  validateAmount,
  validateKey,
  type Balance,
  type CreditSpendKind,
  type LedgerEntry,
  type LedgerMeta,
  type LedgerResult,
} from '../../../core/ledger.js';
import { fanMessageMarkBindings, fanMessageMarksSql } from '../inbox-store.js';
import { isPostgres, rowsOf } from '../raw.js';
import { inTx, moveFan, requireBalance, requireMove } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
import {
  toBalance,
  toEntry,
  USER_BALANCE_COLUMNS,
  type LedgerRow,
  type UserRow,
} from './mapping.js';
import type { DbLedgerStore, DbTx } from './types.js';

/** The conditional update's guard: not frozen, and the balance covers the cost. */
function covers(cost: number) {
  return (q: Knex.QueryBuilder) =>
    q.andWhere('is_frozen', false).andWhere('message_credits', '>=', cost);
}

/** The earlier spend under `key`, as a duplicate result (it must be the same fan and cost). */
async function earlierSpend(
  tx: DbTx,
  fanId: number,
  cost: number,
  key: string,
  kind: CreditSpendKind,
  balance?: Balance,
): Promise<LedgerResult> {
  const sameCost = (e: LedgerEntry) => e.creditsDelta === -cost;
  const entry = await earlierEntry(tx, key, fanId, [kind], sameCost);
  return { duplicate: true, entry, balance: balance ?? (await requireBalance(tx, fanId)) };
}

/** Why a spend was refused: an open dispute, or too few credits. */
async function refusal(tx: DbTx, fanId: number, cost: number): Promise<never> {
  const fan = await requireBalance(tx, fanId);
  if (fan.isFrozen) throw new AccountFrozenError(fanId);
  throw new InsufficientCreditsError(fan.credits, cost);
}

export function createCreditSpends(db: Knex): Pick<DbLedgerStore, 'spendCredits'> {
  return {
    async spendCredits(fanId, cost, key, meta = {}, trx) {
      validateAmount(cost, 'cost');
      validateKey(key);
      const kind: CreditSpendKind = meta.kind ?? 'spend';
      return inTxOrOwn(db, trx, async (tx) => {
        // The conditional update is the guard: it takes the row lock and re-checks the
        // balance, so concurrent spends can never take it below zero.
        const after = await moveFan(tx, fanId, { credits: -cost, where: covers(cost) });
        if (!after) {
          if (await findEntry(tx, key)) return earlierSpend(tx, fanId, cost, key, kind);
          return refusal(tx, fanId, cost);
        }
        const entry = await insertEntry(tx, { fanId, kind, creditsDelta: -cost, key, meta });
        if (entry) return { duplicate: false, entry, balance: after };
        // The key was taken: give the credits back (nothing moved) and report the earlier spend.
        const balance = await requireMove(tx, fanId, { credits: cost });
        return earlierSpend(tx, fanId, cost, key, kind, balance);
      });
    },
  };
}

/** The caller's transaction as is (a spend needs no savepoint), or a transaction of its own. */
function inTxOrOwn<T>(db: Knex, trx: DbTx | undefined, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return trx ? fn(trx) : inTx(db, undefined, fn);
}

const ENTRY_INSERT =
  'INSERT INTO credit_ledger (user_id, kind, credits_delta, seconds_delta, debt_delta, ' +
  'time_debt_delta, idempotency_key, reference, note) VALUES (?, ?, ?, 0, 0, 0, ?, ?, ?) ' +
  'ON CONFLICT (idempotency_key) DO NOTHING RETURNING *';

/**
 * The SET items that count a relayed message at `at` (a placeholder, or a column of the
 * statement's own values: deferred-spends.ts): its count, last activity and the inbox marks.
 */
export const countedMessageSql = (at: string): string =>
  `message_count = message_count + 1, last_activity_at = ${at}, ${fanMessageMarksSql(at)}`;

/** The fan's update: the credits, and with a message time its count, activity and inbox. */
function fanUpdate(counted: boolean, guard: string): string {
  const count = counted ? `${countedMessageSql('?')}, ` : '';
  return (
    `UPDATE users SET message_credits = message_credits - ?, ${count}updated_at = ? ` +
    `WHERE id = ? AND is_frozen = ? AND message_credits >= ?${guard} ` +
    `RETURNING ${USER_BALANCE_COLUMNS.join(', ')}`
  );
}

/**
 * Postgres: the entry and the fan's update in one statement (one round trip). The update
 * runs only when the entry was inserted (`EXISTS (SELECT 1 FROM e)`); no row means the key
 * was taken (nothing moved), a row without `m_id` that the guard refused.
 */
function mergedSpend(counted: boolean): string {
  const balance = USER_BALANCE_COLUMNS.map((c) => `m.${c} AS m_${c}`).join(', ');
  return (
    `WITH e AS (${ENTRY_INSERT}), m AS (${fanUpdate(counted, ' AND EXISTS (SELECT 1 FROM e)')}) ` +
    `SELECT e.*, ${balance} FROM e LEFT JOIN m ON true`
  );
}

/** The statements' texts, built once (no query builder on the hot path). */
const SQL = {
  sqlite: { counted: fanUpdate(true, ''), plain: fanUpdate(false, '') },
  postgres: { counted: mergedSpend(true), plain: mergedSpend(false) },
};

/**
 * A spend by a caller that holds the fan's row lock and has checked the balance (the fan
 * message transaction): the entry first — a taken key moves nothing (null is returned) —
 * then the balance, with the message counted at `count` (the message count, last activity,
 * the inbox marks) in the same statement. Hand-written SQL built once; on Postgres the entry
 * and the update are one statement (a data-modifying CTE), on SQLite two.
 */
export async function spendLocked(
  tx: DbTx,
  fanId: number,
  cost: number,
  key: string,
  meta: LedgerMeta,
  count?: Date,
): Promise<{ entry: LedgerEntry; balance: Balance } | null> {
  validateAmount(cost, 'cost');
  validateKey(key);
  const now = new Date();
  const entryBindings = [fanId, 'spend', -cost, key, meta.reference ?? null, meta.note ?? null];
  const updateBindings = [
    cost,
    ...(count ? [count, ...fanMessageMarkBindings(count)] : []),
    now,
    fanId,
    false,
    cost,
  ];
  const kind = count ? 'counted' : 'plain';
  if (isPostgres(tx)) {
    const rows = rowsOf<LedgerRow & Record<string, unknown>>(
      await tx.raw(SQL.postgres[kind], [...entryBindings, ...updateBindings]),
    );
    const row = rows[0];
    if (!row) return null;
    // The row is locked and was checked: a refusal here means the caller broke the contract.
    // Throwing rolls the whole transaction back, the entry with it.
    if (row.m_id === null || row.m_id === undefined) return refusal(tx, fanId, cost);
    const balance = Object.fromEntries(USER_BALANCE_COLUMNS.map((c) => [c, row[`m_${c}`]]));
    return { entry: toEntry(row), balance: toBalance(balance as unknown as UserRow) };
  }
  const inserted = rowsOf<LedgerRow>(await tx.raw(ENTRY_INSERT, entryBindings))[0];
  if (!inserted) return null;
  const moved = rowsOf<UserRow>(await tx.raw(SQL.sqlite[kind], updateBindings))[0];
  if (!moved) return refusal(tx, fanId, cost);
  return { entry: toEntry(inserted), balance: toBalance(moved) };
}
