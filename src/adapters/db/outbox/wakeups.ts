/**
 * What lets an idle worker sleep: when the next pending job is due, and — on Postgres, where
 * several instances share the outbox — a NOTIFY on every enqueue that the other instances
 * LISTEN for. (SQLite runs one instance, which wakes itself in process.)
 *
 * Hot path (issue 17): an enqueue also says which jobs it queued — their id, lane and due
 * time — in process (`takeEnqueued`) and in the NOTIFY's payload, so the worker skips the
 * claim for a job whose lane it has in flight (that head's settle claims it) or that is not
 * due yet (it sets its timer instead).
 *
 * The next due time (`nextDueAt()`, asked after each round that held work back for a budget)
 * is read at most every `DUE_FRESH_MS` and kept per database, lowered meanwhile by what this
 * process learns: its own enqueues and retries, and on Postgres the other instances' NOTIFY
 * payloads (recovery, or a NOTIFY without a list, forgets it). Jobs claimed or finished since
 * only make it early — the worker then looks once more for nothing —, and a job queued by a
 * second SQLite process, which announces nothing, is seen within `DUE_FRESH_MS`.
 */
import type { Knex } from 'knex';
import type { EnqueuedJob, EnqueuedSince } from '../../../core/traffic/outbox.js';
import { isPostgres, rowsOf } from '../raw.js';
import { toDate } from '../rows.js';
import type { DbOutboxStore } from './types.js';

/** The channel enqueues notify on Postgres. */
export const OUTBOX_CHANNEL = 'premiumbot_outbox';

/** Postgres refuses payloads of 8000 bytes and more; a longer list goes without one. */
const MAX_PAYLOAD = 7_000;
/** Jobs recorded in process until a worker takes them; beyond, the record says `unknown`. */
const MAX_RECORDED = 10_000;

/** How long a read next due time is used (ms) before it is read again. */
const DUE_FRESH_MS = 500;

interface Announced {
  jobs: EnqueuedJob[];
  unknown: boolean;
  /** The next due time (epoch ms; null: nothing pending) as last read and lowered since. */
  due?: { at: number | null; readAt: number };
  /** The read of the next due time running, if any. */
  reading?: Promise<number | null>;
  /** The earliest due time noted while it runs (the read may not see it). */
  dueNoted: number;
  /** Counts what made the next due time unknown (a read that started before is not kept). */
  dueEpoch: number;
}

/**
 * Per database (a transaction's client shares its database's `config` object): the jobs
 * enqueued in this process and not yet taken by a worker.
 */
const records = new WeakMap<object, Announced>();

/** Per database: a transaction's client shares its database's `config` object. */
function keyOf(q: Knex | Knex.Transaction): object {
  return (q.client as { config: object }).config;
}

function recordOf(q: Knex | Knex.Transaction): Announced {
  const key = keyOf(q);
  let record = records.get(key);
  if (!record) {
    record = { jobs: [], unknown: false, dueNoted: Infinity, dueEpoch: 0 };
    records.set(key, record);
  }
  return record;
}

/** A pending job is due at `at` (epoch ms): the next due time is that at the latest. */
function lowerDue(record: Announced, at: number): void {
  record.dueNoted = Math.min(record.dueNoted, at);
  if (record.due) record.due.at = Math.min(record.due.at ?? Infinity, at);
}

/** Jobs went back to the queue with due times not known here: the next due time is read again. */
function forgetDue(record: Announced): void {
  record.due = undefined;
  record.dueEpoch++;
}

/** Jobs were queued or put back in the queue, due at `at` (an insert, a retry). */
export function noteDue(q: Knex | Knex.Transaction, at: Date): void {
  lowerDue(recordOf(q), at.getTime());
}

/** Jobs were put back in the queue with due times not known here (recovery). */
export function noteRequeued(q: Knex | Knex.Transaction): void {
  forgetDue(recordOf(q));
}

/**
 * Tells the workers that jobs were queued: in process at once (the worker reads them when
 * it is woken after the commit), and on Postgres the listening instances, on commit when `q`
 * is a transaction. Without `jobs` the workers look at the whole queue.
 */
export async function notifyEnqueued(
  q: Knex | Knex.Transaction,
  jobs?: readonly EnqueuedJob[],
): Promise<void> {
  const record = recordOf(q);
  if (!jobs) forgetDue(record);
  if (!jobs || record.jobs.length + jobs.length > MAX_RECORDED) {
    record.unknown = true;
    record.jobs = [];
  } else record.jobs.push(...jobs);
  if (!isPostgres(q)) return;
  const deferred = deferredNotifies.get(q);
  if (deferred) {
    if (!jobs) deferred.unknown = true;
    else deferred.jobs.push(...jobs);
    return;
  }
  await sendNotify(q, jobs);
}

async function sendNotify(
  q: Knex | Knex.Transaction,
  jobs: readonly EnqueuedJob[] | undefined,
): Promise<void> {
  const payload = jobs ? JSON.stringify(jobs.map((j) => [j.id, j.chatId, j.dueAt, j.lane])) : '';
  await q.raw(
    payload && payload.length <= MAX_PAYLOAD
      ? `NOTIFY ${OUTBOX_CHANNEL}, '${payload.replaceAll("'", "''")}'`
      : `NOTIFY ${OUTBOX_CHANNEL}`,
  );
}

/** Transactions whose enqueues notify once, after their commit (a batch of intakes). */
const deferredNotifies = new WeakMap<object, Deferred>();

/** What a transaction's enqueues would have announced. */
interface Deferred {
  jobs: EnqueuedJob[];
  unknown: boolean;
}

/**
 * From now on the enqueues through `trx` collect their jobs instead of notifying: `takeNotifies`
 * takes them before the commit, `notifyCommitted` announces them after it (a batch of
 * intakes in one transaction needs one NOTIFY, not one per text).
 */
export function deferNotifies(trx: Knex.Transaction): void {
  deferredNotifies.set(trx, { jobs: [], unknown: false });
}

/** What the enqueues through `trx` collected since `deferNotifies`; null when nothing. */
export function takeNotifies(trx: Knex.Transaction): Deferred | null {
  const deferred = deferredNotifies.get(trx);
  deferredNotifies.delete(trx);
  if (!deferred || (!deferred.unknown && deferred.jobs.length === 0)) return null;
  return deferred;
}

/** Per database: whether a NOTIFY of committed jobs is on its way, and what the next one lists. */
const committedNotifies = new WeakMap<object, Deferred & { sending: boolean }>();

/**
 * After a commit, tells the listening instances what it queued (`takeNotifies`). Outside the
 * transaction on purpose: Postgres queues a transaction's NOTIFY at its COMMIT under one lock
 * for the whole cluster, held until the commit is flushed, so the intake's batches, each with
 * its NOTIFY, committed one after another — 55 waits of 5–14 ms in a 10-second run at 200
 * texts/s (issue 17). Here one NOTIFY is in flight per database at a time, and what commits
 * meanwhile goes in the next one. Best effort, as a NOTIFY is: a lost one (the connection
 * dropped, the process stopped) leaves the jobs to the other instances' idle poll.
 */
export function notifyCommitted(db: Knex, deferred: Deferred | null): void {
  if (!deferred || !isPostgres(db)) return;
  const key = keyOf(db);
  let state = committedNotifies.get(key);
  if (!state) {
    state = { jobs: [], unknown: false, sending: false };
    committedNotifies.set(key, state);
  }
  if (
    deferred.unknown ||
    state.unknown ||
    state.jobs.length + deferred.jobs.length > MAX_RECORDED
  ) {
    state.unknown = true;
    state.jobs = [];
  } else state.jobs.push(...deferred.jobs);
  if (state.sending) return;
  state.sending = true;
  const current = state;
  void (async () => {
    try {
      while (current.unknown || current.jobs.length > 0) {
        const jobs = current.unknown ? undefined : current.jobs;
        current.jobs = [];
        current.unknown = false;
        await sendNotify(db, jobs).catch(() => {});
      }
    } finally {
      current.sending = false;
    }
  })();
}

/** The jobs a NOTIFY's payload lists; undefined when it lists none (an older sender). */
export function parsePayload(payload: string | undefined): EnqueuedJob[] | undefined {
  if (!payload) return undefined;
  try {
    const items = JSON.parse(payload) as unknown;
    if (!Array.isArray(items)) return undefined;
    const jobs: EnqueuedJob[] = [];
    for (const item of items) {
      if (!Array.isArray(item)) return undefined;
      const [id, chatId, dueAt, lane] = item as unknown[];
      if (
        typeof id !== 'number' ||
        typeof chatId !== 'number' ||
        typeof dueAt !== 'number' ||
        typeof lane !== 'string'
      )
        return undefined;
      jobs.push({ id, chatId, dueAt, lane });
    }
    return jobs;
  } catch {
    return undefined;
  }
}

interface PgConnection {
  query(sql: string): Promise<unknown>;
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void;
  removeListener(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void;
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** The next pending job's due time: the first entry of `outbox_pending_due_index`. */
const NEXT_DUE = `SELECT min(available_at) AS due FROM outbox WHERE status = 'pending'`;
const NEXT_DUE_AFTER = `${NEXT_DUE} AND available_at > ?`;

export function createOutboxWakeups(
  db: Knex,
): Pick<DbOutboxStore, 'nextDueAt' | 'onEnqueued' | 'takeEnqueued'> {
  async function readDue(sql: string, bindings: Knex.RawBinding[]): Promise<Date | null> {
    return toDate(rowsOf<{ due: unknown }>(await db.raw(sql, bindings))[0]?.due);
  }

  return {
    async nextDueAt(after) {
      if (after) return readDue(NEXT_DUE_AFTER, [after]);
      const record = recordOf(db);
      const now = Date.now();
      if (record.due && now - record.due.readAt < DUE_FRESH_MS)
        return record.due.at === null ? null : new Date(record.due.at);
      // One read at a time: what is noted while it runs is added to what it finds.
      record.reading ??= (async () => {
        const epoch = record.dueEpoch;
        record.dueNoted = Infinity;
        try {
          const read = (await readDue(NEXT_DUE, []))?.getTime() ?? Infinity;
          const at = Math.min(read, record.dueNoted);
          const due = at === Infinity ? null : at;
          if (epoch === record.dueEpoch) record.due = { at: due, readAt: now };
          return due;
        } finally {
          record.reading = undefined;
        }
      })();
      const due = await record.reading;
      return due === null ? null : new Date(due);
    },

    takeEnqueued(): EnqueuedSince {
      const record = recordOf(db);
      const taken = { jobs: record.jobs, unknown: record.unknown };
      record.jobs = [];
      record.unknown = false;
      return taken;
    },

    async onEnqueued(listener) {
      if (!isPostgres(db)) return async () => {};
      // One pooled connection is kept for LISTEN; if it drops, the worker's idle poll still
      // finds the work (a little later).
      const pool = db.client as unknown as PoolClient;
      const connection = await pool.acquireConnection();
      const record = recordOf(db);
      const onNotification = (message: { channel: string; payload?: string }) => {
        if (message.channel !== OUTBOX_CHANNEL) return;
        const jobs = parsePayload(message.payload);
        if (jobs) for (const job of jobs) lowerDue(record, job.dueAt);
        else forgetDue(record);
        listener(jobs);
      };
      connection.on('notification', onNotification);
      await connection.query(`LISTEN ${OUTBOX_CHANNEL}`);
      return async () => {
        connection.removeListener('notification', onNotification);
        await connection.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => {});
        await pool.releaseConnection(connection);
      };
    },
  };
}
