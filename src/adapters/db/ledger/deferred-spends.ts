/**
 * Issue 17, Postgres: the spends of the texts a batch of the intake takes
 * (intake-batches.ts) are written by ONE statement just before its COMMIT, not one per text
 * — a round trip less per text, each of which woke a backend on the same cores.
 *
 * A text's spend is decided on the fan's row as this transaction read and locked it (nobody
 * else can move the fan's credits until the COMMIT), so the balance after it is known
 * before it is written: the spend is held back (`deferSpend`) with that balance, and
 * `flushSpends` writes every held spend — each entry, each fan's update — and checks that
 * each entry went in and each fan's balance came out as expected. When one did not (a key
 * taken: a message paid for through another update; a row that changed under another
 * statement), it throws `DeferredSpendMismatch`: the batch rolls back and each of its texts
 * runs again alone, where a spend is written at once and a taken key is a duplicate, as
 * before. Nothing is ever written that was not checked.
 *
 * What the caller must keep: once a fan has a held spend, any other statement on that fan's
 * row or entries in the transaction runs after `flushSpends` (the fan message store flushes
 * before every other statement it runs for a fan, and before another text of the same fan
 * locks the row). SQLite writes each spend at once (its round trips are function calls).
 */
import type { Knex } from 'knex';
import { AccountFrozenError, InsufficientCreditsError } from '../../../core/errors.js';
import { validateAmount, validateKey, type LedgerMeta } from '../../../core/ledger.js';
import { isPostgres, rowsOf } from '../raw.js';
import { countedMessageSql } from './spends.js';

/** A spend held back: the fan's row was read under this transaction's lock. */
export interface HeldSpend {
  fanId: number;
  cost: number;
  key: string;
  meta: LedgerMeta;
  /** The message's time: it is counted (message count, last activity, inbox marks). */
  at: Date;
  /** The fan's credits as the transaction read them, before the spend. */
  credits: number;
  frozen: boolean;
}

/** A held spend did not come out as decided: the batch rolls back and its texts run alone. */
export class DeferredSpendMismatch extends Error {
  constructor(expected: number, written: number) {
    super(`held spends: ${written} of ${expected} written as decided`);
    this.name = 'DeferredSpendMismatch';
  }
}

const held = new WeakMap<Knex | Knex.Transaction, HeldSpend[]>();

/** From now on `trx` holds back the spends given to `deferSpend` until `flushSpends` (Postgres). */
export function deferSpends(trx: Knex.Transaction): void {
  if (isPostgres(trx)) held.set(trx, []);
}

/** Whether `q` holds spends back (`deferSpends`). */
export function defersSpends(q: Knex | Knex.Transaction): boolean {
  return held.has(q);
}

/** How many spends `q` holds back now. */
export function heldSpendCount(q: Knex | Knex.Transaction): number {
  return held.get(q)?.length ?? 0;
}

/** Whether `q` holds a spend of `fanId`. */
export function holdsSpendOf(q: Knex | Knex.Transaction, fanId: number): boolean {
  return held.get(q)?.some((s) => s.fanId === fanId) ?? false;
}

/**
 * Holds `spend` back until `flushSpends`, with the checks the written spend's guard makes
 * (not frozen, the balance covers the cost) made now, on the row as read: the fan's credits
 * after it. `q` must hold spends back (`defersSpends`).
 */
export function deferSpend(q: Knex | Knex.Transaction, spend: HeldSpend): number {
  validateAmount(spend.cost, 'cost');
  validateKey(spend.key);
  const list = held.get(q);
  if (!list) throw new Error('deferSpend: the transaction does not hold spends back');
  if (spend.frozen) throw new AccountFrozenError(spend.fanId);
  if (spend.credits < spend.cost) throw new InsufficientCreditsError(spend.credits, spend.cost);
  if (list.some((s) => s.fanId === spend.fanId)) {
    throw new Error('deferSpend: one held spend per fan (flush before the next)');
  }
  list.push(spend);
  return spend.credits - spend.cost;
}

/** The value columns of one held spend, in the order of `spendCtes`'s `v`. */
const VALUE_TYPES = ['bigint', 'integer', 'text', 'text', 'text', 'timestamptz', 'integer'];

/** The common table expressions for `n` held spends, built once per `n`. */
const texts = new Map<number, string>();

/**
 * `v` (the spends), `e` (their entries, inserted) and `m` (the fans' rows, updated where the
 * entry went in and the balance covers the cost; `exact` when it came out as decided): the
 * part of the statement that writes `n` held spends. Bindings: each spend's values, in the
 * order of `v`, then the time of the update.
 */
function spendCtes(n: number): string {
  let sql = texts.get(n);
  if (sql) return sql;
  const row = `(${VALUE_TYPES.map((t) => `CAST(? AS ${t})`).join(', ')})`;
  sql =
    'v (user_id, cost, idempotency_key, reference, note, at, after) AS (VALUES ' +
    `${Array.from({ length: n }, () => row).join(', ')}), ` +
    'e AS (INSERT INTO credit_ledger (user_id, kind, credits_delta, seconds_delta, debt_delta, ' +
    "time_debt_delta, idempotency_key, reference, note) SELECT user_id, 'spend', -cost, 0, 0, 0, " +
    'idempotency_key, reference, note FROM v ' +
    'ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key), ' +
    'm AS (UPDATE users AS u SET message_credits = u.message_credits - v.cost, ' +
    `${countedMessageSql('v.at')}, updated_at = ? FROM v ` +
    'WHERE u.id = v.user_id AND u.is_frozen = false AND u.message_credits >= v.cost ' +
    'AND v.idempotency_key IN (SELECT idempotency_key FROM e) ' +
    'RETURNING u.message_credits = v.after AS exact)';
  texts.set(n, sql);
  return sql;
}

/** What `spendCtes` leaves to select: entries inserted, and fans' rows moved as decided. */
export const SPEND_COUNTS =
  '(SELECT count(*) FROM e) AS entries, (SELECT count(*) FROM m WHERE m.exact) AS moved';

/** The counts `SPEND_COUNTS` selects, as a row. */
export interface SpendCounts {
  entries: unknown;
  moved: unknown;
}

/** The spends `q` holds back, as the part of a statement that writes them; null when none. */
export interface HeldSpendWrite {
  /** Common table expressions `v`, `e` and `m`, to follow `WITH`. */
  ctes: string;
  bindings: Knex.RawBinding[];
  /** Throws `DeferredSpendMismatch` unless every spend came out as decided (`SPEND_COUNTS`). */
  check(row: SpendCounts | undefined): void;
}

/**
 * Takes the spends `q` holds back (they are no longer held) as the part of a statement that
 * writes them; the caller runs it (alone, `flushSpends`, or with the batch's relay jobs,
 * intake-batches.ts) and checks the counts it selects.
 */
export function takeHeldSpends(q: Knex | Knex.Transaction): HeldSpendWrite | null {
  const list = held.get(q);
  if (!list || list.length === 0) return null;
  const spends = list.splice(0);
  const bindings = spends.flatMap((s): Knex.RawBinding[] => [
    s.fanId,
    s.cost,
    s.key,
    s.meta.reference ?? null,
    s.meta.note ?? null,
    s.at,
    s.credits - s.cost,
  ]);
  return {
    ctes: spendCtes(spends.length),
    bindings: [...bindings, new Date()],
    check(row) {
      const written = Math.min(Number(row?.entries ?? 0), Number(row?.moved ?? 0));
      if (written !== spends.length) throw new DeferredSpendMismatch(spends.length, written);
    },
  };
}

/**
 * Writes the spends `q` holds back in one statement and checks them: every entry inserted,
 * every fan's balance what its spend decided. Throws `DeferredSpendMismatch` otherwise (the
 * caller's transaction must then roll back: some of it was written).
 */
export async function flushSpends(q: Knex | Knex.Transaction): Promise<void> {
  const write = takeHeldSpends(q);
  if (!write) return;
  let sql = alone.get(write.ctes);
  if (!sql) alone.set(write.ctes, (sql = `WITH ${write.ctes} SELECT ${SPEND_COUNTS}`));
  write.check(rowsOf<SpendCounts>(await q.raw(sql, write.bindings))[0]);
}

/** `flushSpends`'s statement per `spendCtes` text (one string each, prepared once). */
const alone = new Map<string, string>();
