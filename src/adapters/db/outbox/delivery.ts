/** What happened to claimed jobs: attempted, sent, put back, finished, or still being worked on. */
import type { Knex } from 'knex';
import type { OutboxOutcome, RetryUpdate } from '../../../core/traffic/outbox.js';
import type { DbOutboxStore } from './types.js';

type DeliveryBookkeeping = Pick<
  DbOutboxStore,
  'markAttempt' | 'markSent' | 'retry' | 'finish' | 'renew'
>;

/** Longest error text kept on a row. */
const MAX_ERROR = 500;

/** Builds the delivery bookkeeping of the outbox over `db`. */
export function createDeliveryBookkeeping(db: Knex): DeliveryBookkeeping {
  return {
    async markAttempt(ids, workerId) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .where('locked_by', workerId)
        .update({ attempt_started_at: new Date(), updated_at: new Date() });
    },

    markSent: (ids, messageIds) => markSent(db, ids, messageIds),

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

/** Marks jobs delivered with the message id Telegram returned for each; a batch in one transaction. */
async function markSent(
  db: Knex,
  ids: readonly number[],
  messageIds: readonly (number | null)[],
): Promise<void> {
  const now = new Date();
  const sent = (q: Knex | Knex.Transaction, id: number, messageId: number | null) =>
    q('outbox')
      .where('id', id)
      .update({
        status: 'sent',
        outcome: 'delivered',
        sent_message_id: messageId,
        sent_at: now,
        attempts: db.raw('attempts + 1'),
        locked_by: null,
        locked_until: null,
        last_error: null,
        updated_at: now,
      });
  if (ids.length === 1) {
    await sent(db, ids[0]!, messageIds[0] ?? null);
    return;
  }
  await db.transaction(async (trx) => {
    for (let i = 0; i < ids.length; i++) await sent(trx, ids[i]!, messageIds[i] ?? null);
  });
}
