import type { Knex } from 'knex';
import {
  AccountFrozenError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  NoBankedTimeError,
  UnknownUserError,
} from '../../core/errors.js';
import {
  debtToSettle,
  ledgerKeys,
  splitRefund,
  validateAmount,
  validateKey,
  type Balance,
  type CreditGrantKind,
  type CreditSpendKind,
  type FanProfile,
  type GrantMeta,
  type GrantResult,
  type LedgerEntry,
  type LedgerKind,
  type LedgerMeta,
  type LedgerResult,
  type LedgerStore,
  type PassStartResult,
  type RefundResult,
  type SpendMeta,
} from '../../core/ledger.js';
import { passAfterStart } from '../../core/passes.js';
import { toBool, toDate, toInt, toRequiredDate } from './rows.js';

/** A knex transaction, the `Tx` of the ledger port on this adapter. */
export type DbTx = Knex.Transaction;

/** The knex-backed ledger: the LedgerStore port plus read helpers for admin views. */
export interface DbLedgerStore extends LedgerStore<DbTx> {
  /** The fan's latest entries, newest first. */
  history(userId: number, options?: { limit?: number }, trx?: DbTx): Promise<LedgerEntry[]>;
  /** The entry recorded under an idempotency key, if any. */
  findEntry(key: string, trx?: DbTx): Promise<LedgerEntry | null>;
}

interface UserRow {
  id: number | string;
  message_credits: number | string;
  time_credits_seconds: number | string;
  credit_debt: number | string;
  pass_started_at: unknown;
  pass_ends_at: unknown;
  is_frozen: unknown;
}

interface LedgerRow {
  id: number | string;
  user_id: number | string;
  kind: string;
  credits_delta: number | string;
  seconds_delta: number | string;
  debt_delta: number | string;
  idempotency_key: string;
  reference: string | null;
  note: string | null;
  created_at: unknown;
}

interface NewEntry {
  userId: number;
  kind: LedgerKind;
  creditsDelta?: number;
  secondsDelta?: number;
  debtDelta?: number;
  key: string;
  meta: LedgerMeta;
}

const USER_BALANCE_COLUMNS = [
  'id',
  'message_credits',
  'time_credits_seconds',
  'credit_debt',
  'pass_started_at',
  'pass_ends_at',
  'is_frozen',
] as const;

/** Thrown inside a transaction to roll back a spend whose key turned out to be taken. */
class DuplicateKeySignal extends Error {}

function toBalance(row: UserRow): Balance {
  return {
    userId: toInt(row.id),
    credits: toInt(row.message_credits),
    seconds: toInt(row.time_credits_seconds),
    debt: toInt(row.credit_debt),
    passStartedAt: toDate(row.pass_started_at),
    passEndsAt: toDate(row.pass_ends_at),
    isFrozen: toBool(row.is_frozen),
  };
}

function toEntry(row: LedgerRow): LedgerEntry {
  return {
    id: toInt(row.id),
    userId: toInt(row.user_id),
    kind: row.kind as LedgerKind,
    creditsDelta: toInt(row.credits_delta),
    secondsDelta: toInt(row.seconds_delta),
    debtDelta: toInt(row.debt_delta),
    idempotencyKey: row.idempotency_key,
    reference: row.reference,
    note: row.note,
    createdAt: toRequiredDate(row.created_at),
  };
}

/**
 * Creates the ledger store. Every movement runs in a transaction (a savepoint inside the
 * caller's `trx` when one is given): the ledger row and the cached balance change together.
 * Duplicate idempotency keys are detected by the unique index (ON CONFLICT DO NOTHING), so
 * concurrent replays are safe; a duplicate returns the earlier entry and moves nothing.
 * The store makes no network calls.
 */
export function createLedgerStore(db: Knex): DbLedgerStore {
  function inTx<T>(trx: DbTx | undefined, fn: (tx: DbTx) => Promise<T>): Promise<T> {
    return trx ? trx.transaction(fn) : db.transaction(fn);
  }

  async function readUser(q: Knex | DbTx, userId: number): Promise<Balance | null> {
    const row = (await q('users').select(USER_BALANCE_COLUMNS).where('id', userId).first()) as
      UserRow | undefined;
    return row ? toBalance(row) : null;
  }

  /** Reads the fan's row and, on Postgres, locks it until the transaction ends. */
  async function lockUser(tx: DbTx, userId: number): Promise<Balance> {
    const row = (await tx('users')
      .select(USER_BALANCE_COLUMNS)
      .where('id', userId)
      .forUpdate()
      .first()) as UserRow | undefined;
    if (!row) throw new UnknownUserError(userId);
    return toBalance(row);
  }

  async function requireBalance(q: Knex | DbTx, userId: number): Promise<Balance> {
    const balance = await readUser(q, userId);
    if (!balance) throw new UnknownUserError(userId);
    return balance;
  }

  async function findEntry(key: string, trx?: DbTx): Promise<LedgerEntry | null> {
    const row = (await (trx ?? db)('credit_ledger').where('idempotency_key', key).first()) as
      LedgerRow | undefined;
    return row ? toEntry(row) : null;
  }

  /** Inserts an entry unless its key exists; returns null for a duplicate key. */
  async function insertEntry(tx: DbTx, entry: NewEntry): Promise<LedgerEntry | null> {
    const rows = (await tx('credit_ledger')
      .insert({
        user_id: entry.userId,
        kind: entry.kind,
        credits_delta: entry.creditsDelta ?? 0,
        seconds_delta: entry.secondsDelta ?? 0,
        debt_delta: entry.debtDelta ?? 0,
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
  async function earlierEntry(
    q: DbTx | undefined,
    key: string,
    userId: number,
    kinds: readonly LedgerKind[],
    check?: (entry: LedgerEntry) => boolean,
  ): Promise<LedgerEntry> {
    const entry = await findEntry(key, q);
    if (!entry) {
      // Only reachable if the key vanished, which the append-only triggers forbid.
      throw new IdempotencyConflictError(key, 'but its entry cannot be found');
    }
    if (entry.userId !== userId) {
      throw new IdempotencyConflictError(key, `for fan ${entry.userId}`);
    }
    if (!kinds.includes(entry.kind)) {
      throw new IdempotencyConflictError(key, `for a ${entry.kind} entry`);
    }
    if (check && !check(entry)) {
      throw new IdempotencyConflictError(key, 'with a different amount');
    }
    return entry;
  }

  async function ensureUser(profile: FanProfile, trx?: DbTx): Promise<Balance> {
    validateUserId(profile.id);
    const fields = {
      username: profile.username ?? null,
      first_name: profile.firstName ?? null,
      last_name: profile.lastName ?? null,
      language_code: profile.languageCode ?? null,
    };
    const q = trx ?? db;
    await q('users')
      .insert({ id: profile.id, ...fields })
      .onConflict('id')
      .merge({ ...fields, updated_at: new Date() });
    return requireBalance(q, profile.id);
  }

  async function grantCredits(
    userId: number,
    amount: number,
    key: string,
    meta: GrantMeta = {},
    trx?: DbTx,
  ): Promise<GrantResult> {
    validateAmount(amount, 'credit amount');
    validateKey(key);
    const kind: CreditGrantKind = meta.kind ?? 'grant';
    return inTx(trx, async (tx) => {
      const user = await lockUser(tx, userId);
      const settled = debtToSettle(kind, user.debt, amount);
      const entry = await insertEntry(tx, { userId, kind, creditsDelta: amount, key, meta });
      if (!entry) {
        const earlier = await earlierEntry(
          tx,
          key,
          userId,
          ['grant', 'gift', 'adjust'],
          (e) => e.creditsDelta === amount,
        );
        const settle = await findEntry(ledgerKeys.debtSettle(key), tx);
        return {
          duplicate: true,
          entry: earlier,
          debtSettled: settle ? -settle.creditsDelta : 0,
          balance: user,
        };
      }
      if (settled > 0) {
        const settleEntry = await insertEntry(tx, {
          userId,
          kind: 'debt_settle',
          creditsDelta: -settled,
          debtDelta: -settled,
          key: ledgerKeys.debtSettle(key),
          meta: { reference: key },
        });
        if (!settleEntry) {
          throw new IdempotencyConflictError(ledgerKeys.debtSettle(key), 'by another entry');
        }
      }
      await tx('users')
        .where('id', userId)
        .update({
          message_credits: tx.raw('message_credits + ?', [amount - settled]),
          credit_debt: tx.raw('credit_debt - ?', [settled]),
          updated_at: new Date(),
        });
      return {
        duplicate: false,
        entry,
        debtSettled: settled,
        balance: await requireBalance(tx, userId),
      };
    });
  }

  async function spendCredits(
    userId: number,
    cost: number,
    key: string,
    meta: SpendMeta = {},
    trx?: DbTx,
  ): Promise<LedgerResult> {
    validateAmount(cost, 'cost');
    validateKey(key);
    const kind: CreditSpendKind = meta.kind ?? 'spend';
    const kinds: readonly LedgerKind[] = [kind];
    const sameCost = (e: LedgerEntry) => e.creditsDelta === -cost;
    try {
      return await inTx(trx, async (tx) => {
        // The conditional update is the guard: it takes the row lock and re-checks the
        // balance, so concurrent spends can never take it below zero.
        const updated = await tx('users')
          .where('id', userId)
          .andWhere('is_frozen', false)
          .andWhere('message_credits', '>=', cost)
          .update({
            message_credits: tx.raw('message_credits - ?', [cost]),
            updated_at: new Date(),
          });
        if (updated === 0) {
          if (await findEntry(key, tx)) {
            const earlier = await earlierEntry(tx, key, userId, kinds, sameCost);
            return { duplicate: true, entry: earlier, balance: await requireBalance(tx, userId) };
          }
          const user = await requireBalance(tx, userId);
          if (user.isFrozen) throw new AccountFrozenError(userId);
          throw new InsufficientCreditsError(user.credits, cost);
        }
        const entry = await insertEntry(tx, { userId, kind, creditsDelta: -cost, key, meta });
        if (!entry) throw new DuplicateKeySignal();
        return { duplicate: false, entry, balance: await requireBalance(tx, userId) };
      });
    } catch (err) {
      if (!(err instanceof DuplicateKeySignal)) throw err;
      // The spend was rolled back; report the earlier one.
      const earlier = await earlierEntry(trx, key, userId, kinds, sameCost);
      return { duplicate: true, entry: earlier, balance: await requireBalance(trx ?? db, userId) };
    }
  }

  async function refundCredits(
    userId: number,
    amount: number,
    key: string,
    meta: LedgerMeta = {},
    trx?: DbTx,
  ): Promise<RefundResult> {
    validateAmount(amount, 'refund amount');
    validateKey(key);
    return inTx(trx, async (tx) => {
      const user = await lockUser(tx, userId);
      const { removed, addedDebt } = splitRefund(user.credits, amount);
      const entry = await insertEntry(tx, {
        userId,
        kind: 'refund',
        creditsDelta: -removed,
        debtDelta: addedDebt,
        key,
        meta,
      });
      if (!entry) {
        const earlier = await earlierEntry(
          tx,
          key,
          userId,
          ['refund'],
          (e) => e.debtDelta - e.creditsDelta === amount,
        );
        return {
          duplicate: true,
          entry: earlier,
          removed: -earlier.creditsDelta,
          addedDebt: earlier.debtDelta,
          balance: user,
        };
      }
      await tx('users')
        .where('id', userId)
        .update({
          message_credits: tx.raw('message_credits - ?', [removed]),
          credit_debt: tx.raw('credit_debt + ?', [addedDebt]),
          updated_at: new Date(),
        });
      return {
        duplicate: false,
        entry,
        removed,
        addedDebt,
        balance: await requireBalance(tx, userId),
      };
    });
  }

  async function grantTime(
    userId: number,
    seconds: number,
    key: string,
    meta: LedgerMeta = {},
    trx?: DbTx,
  ): Promise<LedgerResult> {
    validateAmount(seconds, 'pass seconds');
    validateKey(key);
    return inTx(trx, async (tx) => {
      const user = await lockUser(tx, userId);
      const entry = await insertEntry(tx, {
        userId,
        kind: 'pass_grant',
        secondsDelta: seconds,
        key,
        meta,
      });
      if (!entry) {
        const earlier = await earlierEntry(
          tx,
          key,
          userId,
          ['pass_grant'],
          (e) => e.secondsDelta === seconds,
        );
        return { duplicate: true, entry: earlier, balance: user };
      }
      await tx('users')
        .where('id', userId)
        .update({
          time_credits_seconds: tx.raw('time_credits_seconds + ?', [seconds]),
          updated_at: new Date(),
        });
      return { duplicate: false, entry, balance: await requireBalance(tx, userId) };
    });
  }

  async function startPass(
    userId: number,
    now: Date,
    key: string,
    meta: LedgerMeta = {},
    trx?: DbTx,
  ): Promise<PassStartResult> {
    validateKey(key);
    return inTx(trx, async (tx) => {
      const user = await lockUser(tx, userId);
      const duplicateOf = async (): Promise<PassStartResult> => {
        const earlier = await earlierEntry(tx, key, userId, ['pass_start']);
        return {
          duplicate: true,
          entry: earlier,
          seconds: -earlier.secondsDelta,
          passStartedAt: user.passStartedAt ?? earlier.createdAt,
          passEndsAt: user.passEndsAt ?? earlier.createdAt,
          balance: user,
        };
      };
      if (user.seconds === 0) {
        if (await findEntry(key, tx)) return duplicateOf();
        throw new NoBankedTimeError(userId);
      }
      if (user.isFrozen) throw new AccountFrozenError(userId);
      const seconds = user.seconds;
      const entry = await insertEntry(tx, {
        userId,
        kind: 'pass_start',
        secondsDelta: -seconds,
        key,
        meta,
      });
      if (!entry) return duplicateOf();
      const pass = passAfterStart(
        { startedAt: user.passStartedAt, endsAt: user.passEndsAt },
        now,
        seconds,
      );
      await tx('users')
        .where('id', userId)
        .update({
          time_credits_seconds: tx.raw('time_credits_seconds - ?', [seconds]),
          pass_started_at: pass.startedAt,
          pass_ends_at: pass.endsAt,
          pass_warning_sent_at: null,
          pass_end_notice_sent_at: null,
          updated_at: new Date(),
        });
      return {
        duplicate: false,
        entry,
        seconds,
        passStartedAt: pass.startedAt ?? now,
        passEndsAt: pass.endsAt ?? now,
        balance: await requireBalance(tx, userId),
      };
    });
  }

  async function sumLedger(
    userId: number,
    trx?: DbTx,
  ): Promise<{ credits: number; seconds: number; debt: number }> {
    const row = (await (trx ?? db)('credit_ledger')
      .where('user_id', userId)
      .select(
        db.raw('COALESCE(SUM(credits_delta), 0) AS credits'),
        db.raw('COALESCE(SUM(seconds_delta), 0) AS seconds'),
        db.raw('COALESCE(SUM(debt_delta), 0) AS debt'),
      )
      .first()) as { credits: unknown; seconds: unknown; debt: unknown } | undefined;
    return { credits: toInt(row?.credits), seconds: toInt(row?.seconds), debt: toInt(row?.debt) };
  }

  async function history(
    userId: number,
    options: { limit?: number } = {},
    trx?: DbTx,
  ): Promise<LedgerEntry[]> {
    const rows = (await (trx ?? db)('credit_ledger')
      .where('user_id', userId)
      .orderBy('id', 'desc')
      .limit(options.limit ?? 50)) as LedgerRow[];
    return rows.map(toEntry);
  }

  return {
    ensureUser,
    grantCredits,
    spendCredits,
    refundCredits,
    grantTime,
    startPass,
    balance: (userId, trx) => requireBalance(trx ?? db, userId),
    sumLedger,
    history,
    findEntry,
  };
}

function validateUserId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new UnknownUserError(id);
  }
}
