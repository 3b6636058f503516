/**
 * What happened to claimed jobs: attempted, sent, put back, finished, or still being worked on.
 * Hand-written statements (issue 17), one text each whatever the number of jobs (`idIn`).
 */
import type { Knex } from 'knex';
import type { OutboxOutcome, RetryUpdate } from '../../../core/traffic/outbox.js';
import { GroupWriter } from '../group-writer.js';
import { isPostgres } from '../raw.js';
import { idIn, idList } from './sql.js';
import type { DbOutboxStore } from './types.js';
import { noteDue } from './wakeups.js';

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
  const retrySql = `UPDATE outbox SET status = 'pending', available_at = ?, attempts = attempts + ?,
      last_error = ?, locked_by = NULL, locked_until = NULL, attempt_started_at = NULL,
      updated_at = ?
    WHERE ${idIn(db)}`;
  const renewSql = `UPDATE outbox SET locked_until = ?
    WHERE ${idIn(db)} AND locked_by = ? AND status = 'sending'`;
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
      await db.raw(retrySql, [
        update.availableAt,
        update.countAttempt ? 1 : 0,
        update.error.slice(0, MAX_ERROR),
        new Date(),
        idList(db, ids),
      ]);
      noteDue(db, update.availableAt);
    },

    finish: (ids, status, outcome, error) => finishIn(db, ids, status, outcome, error),

    async renew(ids, workerId, leaseMs) {
      if (ids.length === 0) return;
      await db.raw(renewSql, [new Date(Date.now() + leaseMs), idList(db, ids), workerId]);
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
  await q.raw(
    `UPDATE outbox SET status = ?, outcome = ?, last_error = ?, attempts = attempts + 1,
       locked_by = NULL, locked_until = NULL, updated_at = ?
     WHERE ${idIn(q)}`,
    [status, outcome, error.slice(0, MAX_ERROR), new Date(), idList(q, ids)],
  );
}

/** The call for these claimed jobs is about to leave: one statement. */
async function writeAttempt(db: Knex, ids: readonly number[], workerId: string): Promise<void> {
  const now = new Date();
  await db.raw(
    `UPDATE outbox SET attempt_started_at = ?, updated_at = ? WHERE ${idIn(db)} AND locked_by = ?`,
    [now, now, idList(db, ids), workerId],
  );
}

/**
 * Marks jobs delivered with the message id Telegram returned for each, in one statement: the
 * (id, message id) pairs are bound as one value and joined to the rows (`UPDATE … FROM`).
 */
async function writeSent(
  db: Knex,
  items: readonly (readonly [number, number | null])[],
): Promise<void> {
  const now = new Date();
  const set = `status = 'sent', outcome = 'delivered', sent_message_id = s.message_id,
    sent_at = ?, attempts = attempts + 1, locked_by = NULL, locked_until = NULL,
    last_error = NULL, updated_at = ?`;
  if (isPostgres(db)) {
    const list = (values: readonly (number | null)[]) =>
      `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
    await db.raw(
      `UPDATE outbox SET ${set}
       FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS s (id, message_id)
       WHERE outbox.id = s.id`,
      [now, now, list(items.map(([id]) => id)), list(items.map(([, messageId]) => messageId))],
    );
    return;
  }
  await db.raw(
    `UPDATE outbox SET ${set}
     FROM (SELECT value ->> 0 AS id, value ->> 1 AS message_id FROM json_each(?)) AS s
     WHERE outbox.id = s.id`,
    [now, now, JSON.stringify(items)],
  );
}
