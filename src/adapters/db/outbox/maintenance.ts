/** Crash recovery, metrics, housekeeping and lookups over the whole outbox. */
import type { Knex } from 'knex';
import type { OutboxStatus } from '../../../core/traffic/outbox.js';
import { toDate, toInt } from '../rows.js';
import { COLUMNS, toJob, type OutboxRow } from './mapping.js';
import type { DbOutboxStore } from './types.js';
import { noteRequeued } from './wakeups.js';

type OutboxMaintenance = Pick<
  DbOutboxStore,
  'recoverAbandoned' | 'depth' | 'purgeFinished' | 'moveChat' | 'get'
>;

/** Rows `purgeFinished` reads and deletes per statement, by default. */
export const PURGE_CHUNK = 1_000;

/** Lets the event loop serve what waits (webhooks) between two statements of a long walk. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

type DetailedRow = OutboxRow & {
  outcome: string | null;
  sent_message_id: number | null;
  last_error: string | null;
};

/** Builds the maintenance side of the outbox over `db`. */
export function createOutboxMaintenance(db: Knex): OutboxMaintenance {
  return {
    async recoverAbandoned({ all }) {
      const now = new Date();
      // The jobs left sending: a walk of the live jobs (outbox_live_chat_index), never of the history.
      const abandoned = () => {
        const q = db('outbox').whereRaw(`status IN ('pending', 'sending') AND status = 'sending'`);
        if (!all) q.where('locked_until', '<', now);
        return q;
      };
      const requeued = await abandoned().whereNull('attempt_started_at').update({
        status: 'pending',
        locked_by: null,
        locked_until: null,
        updated_at: now,
      });
      if (requeued > 0) noteRequeued(db);
      const attempted = (
        (await abandoned().whereNotNull('attempt_started_at').select(COLUMNS)) as OutboxRow[]
      ).map(toJob);
      return { requeued: typeof requeued === 'number' ? requeued : 0, attempted };
    },

    async depth() {
      const rows = (await db('outbox')
        .select('status')
        .count({ n: '*' })
        .groupBy('status')) as Array<{ status: OutboxStatus; n: number | string }>;
      const out: Record<OutboxStatus, number> = {
        pending: 0,
        sending: 0,
        sent: 0,
        failed: 0,
        dead: 0,
      };
      for (const row of rows) out[row.status] = toInt(row.n);
      return out;
    },

    /**
     * In chunks, walking the primary key from the oldest job (ids follow creation, and a job
     * finished before `before` was created before it): each chunk reads the next `chunk` ids
     * with their creation time and deletes the finished ones among them in one range of the
     * key. The walk stops at the first job created after `before`, so it never reads the
     * month of history the purge keeps. Before, one DELETE scanned the whole outbox under
     * the write lock — on SQLite, with the event loop stopped for as long (a busy creator's
     * outbox holds hundreds of thousands of rows).
     */
    async purgeFinished(before, options = {}) {
      const chunk = Math.max(1, options.chunk ?? PURGE_CHUNK);
      let removed = 0;
      let after = 0;
      for (;;) {
        const rows = (await db('outbox')
          .where('id', '>', after)
          .orderBy('id')
          .limit(chunk)
          .select('id', 'created_at')) as Array<{ id: unknown; created_at: unknown }>;
        const old = rows.filter((r) => (toDate(r.created_at)?.getTime() ?? 0) < before.getTime());
        if (old.length === 0) break;
        const last = toInt(old[old.length - 1]!.id);
        const deleted = await db('outbox')
          .where('id', '>', after)
          .where('id', '<=', last)
          .whereIn('status', ['sent', 'failed', 'dead'])
          .where('updated_at', '<', before)
          .delete();
        removed += typeof deleted === 'number' ? deleted : 0;
        after = last;
        // A job created after `before` ends the walk (what follows is newer still).
        if (old.length < rows.length) break;
        await breathe();
      }
      return removed;
    },

    async moveChat(oldChatId, newChatId) {
      const rows = (await db('outbox')
        .where({ chat_id: oldChatId })
        .whereRaw(`status IN ('pending', 'sending')`)
        .select('id', 'lane')) as Array<{ id: number; lane: string }>;
      for (const row of rows) {
        await db('outbox')
          .where('id', row.id)
          .update({
            chat_id: newChatId,
            lane: row.lane.replace(String(oldChatId), String(newChatId)),
          });
      }
      return rows.length;
    },

    async get(id) {
      const row = (await db('outbox')
        .where('id', id)
        .first([...COLUMNS, 'outcome', 'sent_message_id', 'last_error'])) as
        DetailedRow | undefined;
      if (!row) return null;
      return {
        ...toJob(row),
        outcome: row.outcome,
        sentMessageId: row.sent_message_id === null ? null : toInt(row.sent_message_id),
        lastError: row.last_error,
      };
    },
  };
}
