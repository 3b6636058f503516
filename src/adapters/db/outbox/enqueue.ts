import type { Knex } from 'knex';
import type { EnqueuedJob, NewOutboxJob } from '../../../core/traffic/outbox.js';
import { rowsOf } from '../raw.js';
import { toDate, toInt } from '../rows.js';
import type { FanGroupPlacer } from './fan-groups.js';
import { toNewRow, type NewRow } from './mapping.js';
import { noteDue, notifyEnqueued } from './wakeups.js';

/**
 * Hand-written (issue 17): one text on both dialects, prepared once. A used dedupe key
 * inserts nothing and returns no row.
 */
const INSERT = `INSERT INTO outbox (kind, chat_id, thread_id, fan_id, priority, payload, dedupe_key,
    spend_key, album_key, lane, available_at, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id`;

const EXISTING = 'SELECT id FROM outbox WHERE dedupe_key = ?';

/**
 * Inserts `row` (the next due time kept in process learns of it); its id, or undefined when
 * its dedupe key is taken.
 */
export async function insertRow(
  q: Knex | Knex.Transaction,
  row: NewRow,
): Promise<number | undefined> {
  const inserted = rowsOf<{ id: unknown }>(
    await q.raw(INSERT, [
      row.kind,
      row.chat_id,
      row.thread_id,
      row.fan_id,
      row.priority,
      row.payload,
      row.dedupe_key,
      row.spend_key,
      row.album_key,
      row.lane,
      row.available_at,
      row.created_at,
      row.updated_at,
    ]),
  );
  if (inserted[0] === undefined) return undefined;
  noteDue(q, row.available_at);
  return toInt(inserted[0].id);
}

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
    if (row.album_key !== null) await alignAlbum(q, row);
    const id = await insertRow(q, row);
    if (id !== undefined) {
      ids.push(id);
      queued.push({ id, chatId: row.chat_id, lane: row.lane, dueAt: row.available_at.getTime() });
    } else {
      const existing = rowsOf<{ id: unknown }>(await q.raw(EXISTING, [row.dedupe_key]));
      ids.push(toInt(existing[0]?.id));
    }
  }
  if (queued.length > 0) await notifyEnqueued(q, queued);
  return ids;
}

/** The latest due time of the album's pending items (`outbox_pending_album_index`). */
const ALBUM_DUE = `SELECT max(available_at) AS at FROM outbox
  WHERE lane = ? AND album_key = ? AND status = 'pending'`;

const HOLD_ALBUM = `UPDATE outbox SET available_at = ?
  WHERE lane = ? AND album_key = ? AND status = 'pending'`;

/**
 * An album leaves when the last of its items is due: a new item held longer than its queued
 * siblings holds them with it (its update came later, or to another instance), and one held
 * shorter waits for them. The worker then sends the album in one call (`claimAlbum`).
 */
async function alignAlbum(q: Knex | Knex.Transaction, row: NewRow): Promise<void> {
  const latest = rowsOf<{ at: unknown }>(await q.raw(ALBUM_DUE, [row.lane, row.album_key]));
  const theirs = toDate(latest[0]?.at);
  if (theirs === null) return;
  const due = row.available_at;
  if (theirs > due) row.available_at = theirs;
  else if (theirs < due) await q.raw(HOLD_ALBUM, [due, row.lane, row.album_key]);
}
