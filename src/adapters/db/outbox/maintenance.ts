/** Crash recovery, metrics, housekeeping and lookups over the whole outbox. */
import type { Knex } from 'knex';
import type { OutboxStatus } from '../../../core/traffic/outbox.js';
import { toInt } from '../rows.js';
import { COLUMNS, toJob, type OutboxRow } from './mapping.js';
import type { DbOutboxStore } from './types.js';
import { noteRequeued } from './wakeups.js';

type OutboxMaintenance = Pick<
  DbOutboxStore,
  'recoverAbandoned' | 'depth' | 'purgeFinished' | 'moveChat' | 'get'
>;

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

    async purgeFinished(before) {
      return db('outbox')
        .whereIn('status', ['sent', 'failed', 'dead'])
        .where('updated_at', '<', before)
        .delete();
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
