import type { Knex } from 'knex';
import type { EnqueuedJob, NewOutboxJob } from '../../../core/traffic/outbox.js';
import { toInt, toRequiredDate } from '../rows.js';
import type { FanGroupPlacer } from './fan-groups.js';
import { toNewRow } from './mapping.js';
import { notifyEnqueued } from './wakeups.js';

/**
 * Persists jobs through `q`; a used dedupe key yields the existing job's id. With several
 * admin groups, `groups` first places each topic job in its fan's group.
 */
export async function enqueueIn(
  q: Knex | Knex.Transaction,
  jobs: readonly NewOutboxJob[],
  groups?: FanGroupPlacer,
): Promise<number[]> {
  const ids: number[] = [];
  const queued: EnqueuedJob[] = [];
  for (const job of groups ? await groups.place(q, jobs) : jobs) {
    const row = toNewRow(job);
    if (job.albumKey) await alignAlbum(q, row);
    const inserted = (await q('outbox')
      .insert(row)
      .onConflict('dedupe_key')
      .ignore()
      .returning('id')) as Array<{ id: number } | number>;
    const first = inserted[0];
    if (first !== undefined) {
      ids.push(toInt(typeof first === 'object' ? first.id : first));
      queued.push({
        id: ids.at(-1)!,
        chatId: row.chat_id as number,
        lane: row.lane as string,
        dueAt: dueOf(row),
      });
    } else {
      const existing = (await q('outbox').where({ dedupe_key: job.dedupeKey }).first('id')) as
        { id: number } | undefined;
      ids.push(toInt(existing?.id));
    }
  }
  if (queued.length > 0) await notifyEnqueued(q, queued);
  return ids;
}

/** When a new row may be sent (epoch ms). */
function dueOf(row: Record<string, unknown>): number {
  const at = row.available_at;
  return at instanceof Date ? at.getTime() : Number(at);
}

/**
 * An album leaves when the last of its items is due: a new item held longer than its queued
 * siblings holds them with it (its update came later, or to another instance), and one held
 * shorter waits for them. The worker then sends the album in one call (`claimAlbum`).
 */
async function alignAlbum(q: Knex | Knex.Transaction, row: Record<string, unknown>): Promise<void> {
  const siblings = () =>
    q('outbox').where({ lane: row.lane, album_key: row.album_key, status: 'pending' });
  const latest = (await siblings().max('available_at as at').first()) as
    { at: unknown } | undefined;
  if (latest?.at === null || latest?.at === undefined) return;
  const due = row.available_at as Date;
  const theirs = toRequiredDate(latest.at);
  if (theirs > due) row.available_at = theirs;
  else if (theirs < due) await siblings().update({ available_at: due });
}
