/**
 * What lets an idle worker sleep: when the next pending job is due, and — on Postgres, where
 * several instances share the outbox — a NOTIFY on every enqueue that the other instances
 * LISTEN for. (SQLite runs one instance, which wakes itself in process.)
 *
 * Hot path (issue 17): an enqueue also says which jobs it queued — their id, lane and due
 * time — in process (`takeEnqueued`) and in the NOTIFY's payload, so the worker skips the
 * claim for a job whose lane it has in flight (that head's settle claims it) or that is not
 * due yet (it sets its timer instead).
 */
import type { Knex } from 'knex';
import type { EnqueuedJob, EnqueuedSince } from '../../../core/traffic/outbox.js';
import { isPostgres } from '../raw.js';
import type { DbOutboxStore } from './types.js';

/** The channel enqueues notify on Postgres. */
export const OUTBOX_CHANNEL = 'premiumbot_outbox';

/** Postgres refuses payloads of 8000 bytes and more; a longer list goes without one. */
const MAX_PAYLOAD = 7_000;
/** Jobs recorded in process until a worker takes them; beyond, the record says `unknown`. */
const MAX_RECORDED = 10_000;

interface Announced {
  jobs: EnqueuedJob[];
  unknown: boolean;
}

/**
 * Per database (a transaction's client shares its database's `config` object): the jobs
 * enqueued in this process and not yet taken by a worker.
 */
const records = new WeakMap<object, Announced>();

function recordOf(q: Knex | Knex.Transaction): Announced {
  const key = (q.client as { config: object }).config;
  let record = records.get(key);
  if (!record) {
    record = { jobs: [], unknown: false };
    records.set(key, record);
  }
  return record;
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
  if (!jobs || record.jobs.length + jobs.length > MAX_RECORDED) {
    record.unknown = true;
    record.jobs = [];
  } else record.jobs.push(...jobs);
  if (!isPostgres(q)) return;
  const payload = jobs ? JSON.stringify(jobs.map((j) => [j.id, j.chatId, j.dueAt, j.lane])) : '';
  await q.raw(
    payload && payload.length <= MAX_PAYLOAD
      ? `NOTIFY ${OUTBOX_CHANNEL}, '${payload.replaceAll("'", "''")}'`
      : `NOTIFY ${OUTBOX_CHANNEL}`,
  );
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

export function createOutboxWakeups(
  db: Knex,
): Pick<DbOutboxStore, 'nextDueAt' | 'onEnqueued' | 'takeEnqueued'> {
  return {
    async nextDueAt(after) {
      // Served by outbox_status_available_at_index (status, available_at).
      const query = db('outbox').where('status', 'pending');
      if (after) query.where('available_at', '>', after);
      const row = (await query.min({ due: 'available_at' }))[0] as { due: unknown } | undefined;
      if (row?.due === null || row?.due === undefined) return null;
      return row.due instanceof Date ? row.due : new Date(Number(row.due));
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
      const onNotification = (message: { channel: string; payload?: string }) => {
        if (message.channel === OUTBOX_CHANNEL) listener(parsePayload(message.payload));
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
