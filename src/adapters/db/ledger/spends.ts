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
import { inTx, moveFan, requireBalance, requireMove } from './balance.js';
import { earlierEntry, findEntry, insertEntry } from './entries.js';
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

/**
 * A spend by a caller that holds the fan's row lock and has checked the balance (the fan
 * message transaction): the entry first — a taken key moves nothing (null is returned) —
 * then the balance, with `set` (the message count, the inbox) in the same statement.
 */
export async function spendLocked(
  tx: DbTx,
  fanId: number,
  cost: number,
  key: string,
  meta: LedgerMeta,
  set: Record<string, unknown>,
): Promise<{ entry: LedgerEntry; balance: Balance } | null> {
  validateAmount(cost, 'cost');
  validateKey(key);
  const entry = await insertEntry(tx, { fanId, kind: 'spend', creditsDelta: -cost, key, meta });
  if (!entry) return null;
  const balance = await moveFan(tx, fanId, { credits: -cost, set, where: covers(cost) });
  // The row is locked and was checked: a refusal here means the caller broke the contract.
  // Throwing rolls the whole transaction back, the entry with it.
  if (!balance) return refusal(tx, fanId, cost);
  return { entry, balance };
}
