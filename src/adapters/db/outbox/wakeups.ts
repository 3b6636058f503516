/**
 * What lets an idle worker sleep: when the next pending job is due, and — on Postgres, where
 * several instances share the outbox — a NOTIFY on every enqueue that the other instances
 * LISTEN for. (SQLite runs one instance, which wakes itself in process.)
 */
import type { Knex } from 'knex';
import type { DbOutboxStore } from './types.js';

/** The channel enqueues notify on Postgres. */
export const OUTBOX_CHANNEL = 'premiumbot_outbox';

function isPostgres(q: Knex | Knex.Transaction): boolean {
  return (q.client as { config: { client: unknown } }).config.client === 'pg';
}

/** Tells listening instances that jobs were queued (on commit, when `q` is a transaction). */
export async function notifyEnqueued(q: Knex | Knex.Transaction): Promise<void> {
  if (isPostgres(q)) await q.raw(`NOTIFY ${OUTBOX_CHANNEL}`);
}

interface PgConnection {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string }) => void): void;
  removeListener(event: 'notification', listener: (message: { channel: string }) => void): void;
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

export function createOutboxWakeups(db: Knex): Pick<DbOutboxStore, 'nextDueAt' | 'onEnqueued'> {
  return {
    async nextDueAt() {
      const row = (
        await db('outbox').where('status', 'pending').min({ due: 'available_at' })
      )[0] as { due: unknown } | undefined;
      if (row?.due === null || row?.due === undefined) return null;
      return row.due instanceof Date ? row.due : new Date(Number(row.due));
    },

    async onEnqueued(listener) {
      if (!isPostgres(db)) return async () => {};
      // One pooled connection is kept for LISTEN; if it drops, the worker's idle poll still
      // finds the work (a little later).
      const pool = db.client as unknown as PoolClient;
      const connection = await pool.acquireConnection();
      const onNotification = (message: { channel: string }) => {
        if (message.channel === OUTBOX_CHANNEL) listener();
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
