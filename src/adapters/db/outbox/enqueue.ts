import type { Knex } from 'knex';
import type { NewOutboxJob } from '../../../core/traffic/outbox.js';
import { toInt } from '../rows.js';
import { toNewRow } from './mapping.js';
import { notifyEnqueued } from './wakeups.js';

/** Persists jobs through `q`; a used dedupe key yields the existing job's id. */
export async function enqueueIn(
  q: Knex | Knex.Transaction,
  jobs: readonly NewOutboxJob[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const job of jobs) {
    const inserted = (await q('outbox')
      .insert(toNewRow(job))
      .onConflict('dedupe_key')
      .ignore()
      .returning('id')) as Array<{ id: number } | number>;
    const first = inserted[0];
    if (first !== undefined) {
      ids.push(toInt(typeof first === 'object' ? first.id : first));
    } else {
      const existing = (await q('outbox').where({ dedupe_key: job.dedupeKey }).first('id')) as
        { id: number } | undefined;
      ids.push(toInt(existing?.id));
    }
  }
  if (jobs.length > 0) await notifyEnqueued(q);
  return ids;
}
