/** What happened to claimed jobs: attempted, sent, put back, finished, or still being worked on. */
import type { Knex } from 'knex';
import type { OutboxOutcome, RetryUpdate } from '../../../core/traffic/outbox.js';
import { GroupWriter } from '../group-writer.js';
import type { DbOutboxStore } from './types.js';

type DeliveryBookkeeping = Pick<
  DbOutboxStore,
  'markAttempt' | 'markSent' | 'retry' | 'finish' | 'renew'
>;

/** Longest error text kept on a row. */
const MAX_ERROR = 500;

/** Builds the delivery bookkeeping of the outbox over `db`. */
export function createDeliveryBookkeeping(db: Knex): DeliveryBookkeeping {
  // Status writes of concurrent calls share statements (see GroupWriter).
  const attempts = new Map<string, GroupWriter<number>>();
  const sent = new GroupWriter<[number, number | null]>((items) => writeSent(db, items));
  return {
    async markAttempt(ids, workerId) {
      if (ids.length === 0) return;
      let writer = attempts.get(workerId);
      if (!writer) {
        writer = new GroupWriter<number>((batch) => writeAttempt(db, batch, workerId));
        attempts.set(workerId, writer);
      }
      await writer.write(ids);
    },

    async markSent(ids, messageIds) {
      if (ids.length === 0) return;
      await sent.write(ids.map((id, i) => [id, messageIds[i] ?? null]));
    },

    async retry(ids, update: RetryUpdate) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .update({
          status: 'pending',
          available_at: update.availableAt,
          attempts: update.countAttempt ? db.raw('attempts + 1') : db.raw('attempts'),
          last_error: update.error.slice(0, MAX_ERROR),
          locked_by: null,
          locked_until: null,
          attempt_started_at: null,
          updated_at: new Date(),
        });
    },

    finish: (ids, status, outcome, error) => finishIn(db, ids, status, outcome, error),

    async renew(ids, workerId, leaseMs) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .where({ locked_by: workerId, status: 'sending' })
        .update({ locked_until: new Date(Date.now() + leaseMs) });
    },
  };
}

/** Marks jobs finished without delivery, through `q` (a transaction closing them with their follow-ups). */
export async function finishIn(
  q: Knex | Knex.Transaction,
  ids: readonly number[],
  status: 'failed' | 'dead',
  outcome: OutboxOutcome,
  error: string,
): Promise<void> {
  if (ids.length === 0) return;
  await q('outbox')
    .whereIn('id', [...ids])
    .update({
      status,
      outcome,
      last_error: error.slice(0, MAX_ERROR),
      attempts: q.raw('attempts + 1'),
      locked_by: null,
      locked_until: null,
      updated_at: new Date(),
    });
}

/** The call for these claimed jobs is about to leave: one statement. */
async function writeAttempt(db: Knex, ids: readonly number[], workerId: string): Promise<void> {
  const now = new Date();
  await db('outbox')
    .whereIn('id', [...ids])
    .where('locked_by', workerId)
    .update({ attempt_started_at: now, updated_at: now });
}

/**
 * Marks jobs delivered with the message id Telegram returned for each, in one statement
 * (the ids picked by a CASE over the job ids).
 */
async function writeSent(
  db: Knex,
  items: readonly (readonly [number, number | null])[],
): Promise<void> {
  const now = new Date();
  const cases = items.map(() => 'WHEN ? THEN CAST(? AS bigint)').join(' ');
  const ids = items.map(([id]) => id);
  await db('outbox')
    .whereIn('id', ids)
    .update({
      status: 'sent',
      outcome: 'delivered',
      sent_message_id: db.raw(
        `CASE id ${cases} END`,
        items.flatMap(([id, messageId]) => [id, messageId]),
      ),
      sent_at: now,
      attempts: db.raw('attempts + 1'),
      locked_by: null,
      locked_until: null,
      last_error: null,
      updated_at: now,
    });
}
