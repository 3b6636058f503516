/**
 * Group commit for the fan message intake (issue 17). Each paid text used to run
 * its own transaction, and its COMMIT wrote every page it dirtied (the update's record, the
 * fan's row and its indexes, the ledger's, the outbox's) into the WAL: the largest single
 * cost of a text on the main thread. Consecutive texts dirty mostly the same pages, so
 * the texts asked for in one turn of the event loop (a batch starts in the next check phase),
 * and those asked for while it waits for the connection or runs, join it, one after another
 * in ONE transaction (`BEGIN IMMEDIATE` … `COMMIT`): a batch writes each page once.
 *
 * - Durable before answered: each caller's promise settles only after the batch's COMMIT
 *   (the webhook acknowledges an update once its work is durable, never earlier). What an
 *   item must announce outside the database is registered with `afterCommit` and runs then.
 * - Bounded: a batch takes at most `maxItems` texts, so an acknowledgement waits little and
 *   other transactions (payments, the panel, the outbox worker) get the one connection
 *   between batches — each batch asks for it anew, behind them in the pool's queue.
 * - No savepoint on the happy path: an item that throws rolls the whole batch back, and
 *   every item of the batch runs again alone, in its own transaction — one bad update never
 *   loses or changes another's result; alone, it rejects only its own caller. A batch of one
 *   is already alone. An item that failed before writing anything (`NothingWritten`: a
 *   redelivered update stopped by its record) leaves the batch going, and its caller hears
 *   the error after the COMMIT (the record that stopped it may be the batch's own).
 *
 * Both databases. SQLite's one connection serializes transactions anyway. On Postgres a
 * batch takes one connection of the pool and its round trips: the BEGIN and the COMMIT (and
 * its WAL flush) are the batch's, not each text's — each was a round trip through the one
 * event loop; so is the insert of the batch's relay jobs (`deferInserts`, one multi-row
 * insert before the COMMIT). On Postgres so are its texts' spends (`deferSpends`,
 * ledger/deferred-spends.ts: one statement, checked; a spend not written as decided rolls
 * the batch back and its texts run alone, even a batch of one), and the records and locked
 * reads the texts start with (`prefetch`: fan-message-reads.ts, one statement for the texts
 * waiting when the batch starts). The NOTIFY that wakes the other instances' workers lists
 * the batch's jobs and goes after the COMMIT (`deferNotifies`, `notifyCommitted`): inside
 * the transaction it made every batch's commit wait for Postgres's one notify lock. Rows a
 * batch locks stay locked until its COMMIT; two instances' batches that lock the same fans
 * in opposite orders deadlock, Postgres aborts one, and its texts run again alone (a batch's
 * prefetch locks its fans in the order of their ids).
 */
import type { Knex } from 'knex';
import {
  DeferredSpendMismatch,
  SPEND_COUNTS,
  deferSpends,
  flushSpends,
  heldSpendCount,
  takeHeldSpends,
  type SpendCounts,
} from './ledger/deferred-spends.js';
import {
  announceInserted,
  deferInserts,
  flushInserts,
  insertManySql,
  rowValues,
  takeHeldInserts,
  type InsertedRow,
} from './outbox/enqueue.js';
import { deferNotifies, notifyCommitted, takeNotifies } from './outbox/wakeups.js';
import { isPostgres, rowsOf } from './raw.js';

/**
 * How many texts a batch takes at most: a paid text's work in a batch is about 0.4 ms of the
 * main thread, so a full batch holds the connection (and the event loop) several ms at most.
 * 32 saved little more (0.40 against 0.42–0.50 ms per text, 50 texts asked for at once).
 */
export const INTAKE_BATCH = {
  maxItems: 16,
  /**
   * Batches at once on Postgres: a batch's statements wait for their round trips one after
   * another (each through the busy event loop: ~5 ms apiece at 200 texts/s in the 100-fan
   * bench), so the intake's throughput is what the batches running side by side get through.
   * A fan's texts are never in two batches at once (the intake queues them per chat), so
   * batches lock different fans' rows. Measured in the 100-fan bench (acks/s): one at a time
   * 142–154 (an earlier machine); up to 4, one more only past 16 waiting per batch, 174–219;
   * up to 8, one more past 4 waiting per batch, 328–386 (the relays then trail the acks).
   * SQLite has one connection: 1.
   */
  parallelPostgres: 8,
  /** Another batch starts beside the running ones when more than this many texts wait per batch. */
  waitingPerBatch: 4,
} as const;

/**
 * Thrown by an item's work that failed before it wrote anything: the batch goes on without
 * it, and its caller is rejected with `error` after the batch's COMMIT.
 */
export class NothingWritten extends Error {
  constructor(readonly error: unknown) {
    super('nothing written', { cause: error });
    this.name = 'NothingWritten';
  }
}

/** An item's work: its statements through `trx`; `afterCommit` runs once they are durable. */
export type BatchedWork<T> = (
  trx: Knex.Transaction,
  afterCommit: (hook: () => void) => void,
) => Promise<T>;

/** Runs intakes in shared transactions (see the module's doc). */
export interface IntakeBatches {
  /** `work` in a batch; `key` is what `prefetch` reads for it ahead (see `BatchOptions`). */
  run<T>(work: BatchedWork<T>, key?: PrefetchKey): Promise<T>;
}

/** What a batch may read for an item before its work runs: its fan, and its update. */
export interface PrefetchKey {
  fanId: number;
  updateId?: number;
}

export interface BatchOptions {
  maxItems?: number;
  parallel?: number;
  /**
   * Runs first in a batch, with the keys of the items waiting when it starts (all of which
   * the batch takes): one statement for what each item's work would read and lock first
   * (Postgres, fan-message-store.ts). Items that join later read for themselves.
   */
  prefetch?: (trx: Knex.Transaction, keys: readonly PrefetchKey[]) => Promise<void>;
}

interface Item {
  work: BatchedWork<unknown>;
  key?: PrefetchKey;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** What one attempt of an item left: its value or error, and what runs after the commit. */
interface Attempt {
  ok: boolean;
  value?: unknown;
  error?: unknown;
  hooks: Array<() => void>;
}

/**
 * `flushHeld`'s statements: per text of the spends' CTEs (one string per number of spends,
 * `takeHeldSpends`), per number of relay jobs. Each is one string, prepared once.
 */
const together = new Map<string, Map<number, string>>();

/**
 * Writes what the batch held back: its spends and its relay jobs. On Postgres, when it holds
 * both, in ONE statement (issue 17: a round trip less per batch, on every text's way to its
 * acknowledgement): the spends' common table expressions (`takeHeldSpends`), the jobs' insert
 * as one more, and a select of both — a row per job inserted, and a row with the spends'
 * counts, which are checked as `flushSpends` checks them. Otherwise one after the other.
 */
async function flushHeld(trx: Knex.Transaction): Promise<void> {
  const rows = isPostgres(trx) && heldSpendCount(trx) > 0 ? takeHeldInserts(trx) : null;
  const spends = rows ? takeHeldSpends(trx) : null;
  if (!rows || !spends) {
    await flushSpends(trx);
    await flushInserts(trx);
    return;
  }
  let byRows = together.get(spends.ctes);
  if (!byRows) together.set(spends.ctes, (byRows = new Map()));
  let sql = byRows.get(rows.length);
  if (!sql) {
    sql =
      `WITH ${spends.ctes}, o AS (${insertManySql(rows.length)}) ` +
      'SELECT o.id, o.dedupe_key, o.chat_id, o.lane, o.available_at, NULL AS entries, ' +
      `NULL AS moved FROM o UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, ${SPEND_COUNTS}`;
    byRows.set(rows.length, sql);
  }
  const result = rowsOf<InsertedRow & SpendCounts>(
    await trx.raw(sql, [...spends.bindings, ...rowValues(rows)]),
  );
  const isJob = (r: InsertedRow) => r.id !== null && r.id !== undefined;
  spends.check(result.find((r) => !isJob(r)));
  await announceInserted(trx, result.filter(isJob));
}

export function createIntakeBatches(db: Knex, options: BatchOptions = {}): IntakeBatches {
  const maxItems = options.maxItems ?? INTAKE_BATCH.maxItems;
  const parallel = options.parallel ?? (isPostgres(db) ? INTAKE_BATCH.parallelPostgres : 1);
  const prefetch = options.prefetch;
  const waiting: Item[] = [];
  /** Batches running (each its own transaction, one after another per drain). */
  let draining = 0;

  /** Runs one attempt of `item` through `trx`; throws (to roll back) unless nothing was written. */
  async function attempt(item: Item, trx: Knex.Transaction): Promise<Attempt> {
    const hooks: Array<() => void> = [];
    try {
      return { ok: true, value: await item.work(trx, (hook) => hooks.push(hook)), hooks };
    } catch (err) {
      if (err instanceof NothingWritten) return { ok: false, error: err.error, hooks: [] };
      throw err;
    }
  }

  /** After the commit: the item's hooks, then its caller. */
  function settle(item: Item, done: Attempt): void {
    try {
      for (const hook of done.hooks) hook();
    } catch (err) {
      item.reject(err);
      return;
    }
    if (done.ok) item.resolve(done.value);
    else item.reject(done.error);
  }

  /** The item in a transaction of its own; any error is its caller's. */
  async function alone(item: Item): Promise<void> {
    try {
      settle(item, await db.transaction((trx) => attempt(item, trx)));
    } catch (err) {
      item.reject(err);
    }
  }

  /** One batch: the items waiting, taken one by one while the bounds allow. */
  async function batch(): Promise<void> {
    const taken: Item[] = [];
    const attempts: Attempt[] = [];
    let notifies: ReturnType<typeof takeNotifies> = null;
    try {
      await db.transaction(async (trx) => {
        deferNotifies(trx);
        deferInserts(trx);
        deferSpends(trx);
        if (prefetch) {
          // The items waiting now are all taken, first: what their work reads first is read
          // for them all in one statement.
          taken.push(...waiting.splice(0, maxItems));
          const keys = taken.flatMap((item) => (item.key ? [item.key] : []));
          if (keys.length > 0) await prefetch(trx, keys);
          for (const item of taken) attempts.push(await attempt(item, trx));
        }
        while (waiting.length > 0 && taken.length < maxItems) {
          const item = waiting.shift()!;
          taken.push(item);
          attempts.push(await attempt(item, trx));
        }
        await flushHeld(trx);
        notifies = takeNotifies(trx);
      });
    } catch (err) {
      // Rolled back (or never begun): nothing of the batch was written.
      if (taken.length === 0) {
        const first = waiting.shift();
        if (first) first.reject(err);
        return;
      }
      // A held spend that did not come out as decided is no error of the text's: alone, it is
      // written at once (a taken key is a duplicate there).
      if (taken.length === 1 && !(err instanceof DeferredSpendMismatch)) {
        taken[0]!.reject(err);
        return;
      }
      for (const item of taken) await alone(item);
      return;
    }
    notifyCommitted(db, notifies);
    taken.forEach((item, i) => settle(item, attempts[i]!));
  }

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) await batch();
    } finally {
      draining -= 1;
    }
  }

  return {
    run<T>(work: BatchedWork<T>, key?: PrefetchKey): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ work, key, resolve: resolve as (value: unknown) => void, reject });
        // Another batch runs beside the others when they leave texts waiting.
        if (
          draining === 0 ||
          (draining < parallel && waiting.length > draining * INTAKE_BATCH.waitingPerBatch)
        ) {
          draining += 1;
          // From the next check phase: the intakes of this turn's other requests join it.
          setImmediate(() => void drain());
        }
      });
    },
  };
}
