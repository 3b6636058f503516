import type { Knex } from 'knex';
import type { EnqueuedJob, NewOutboxJob } from '../../../core/traffic/outbox.js';
import { rowsOf } from '../raw.js';
import { toDate, toInt } from '../rows.js';
import type { FanGroupPlacer } from './fan-groups.js';
import { NEW_ROW_COLUMNS, toNewRow, type NewRow } from './mapping.js';
import { noteDue, notifyEnqueued } from './wakeups.js';

/**
 * Hand-written (issue 17): one text on both dialects, prepared once. A used dedupe key
 * inserts nothing and returns no row.
 */
const INSERT =
  `INSERT INTO outbox (${NEW_ROW_COLUMNS.join(', ')}) ` +
  `VALUES (${NEW_ROW_COLUMNS.map(() => '?').join(', ')}) ` +
  'ON CONFLICT (dedupe_key) DO NOTHING RETURNING id';

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
    await q.raw(
      INSERT,
      NEW_ROW_COLUMNS.map((c) => row[c]),
    ),
  );
  if (inserted[0] === undefined) return undefined;
  noteDue(q, row.available_at);
  return toInt(inserted[0].id);
}

/**
 * Persists jobs through `q`; a used dedupe key yields the existing job's id. With several
 * admin groups, `groups` first places each topic job in its fan's group. Rows `q` holds back
 * (`deferInserts`) are inserted first: ids follow the order jobs were asked for. Several jobs
 * with no album item among them are one multi-row insert (`insertTogether`).
 */
export async function enqueueIn(
  q: Knex | Knex.Transaction,
  jobs: readonly NewOutboxJob[],
  groups?: FanGroupPlacer,
): Promise<number[]> {
  await flushInserts(q);
  const placed = groups ? await groups.place(q, jobs) : jobs;
  if (placed.length > 1 && placed.every((job) => !job.albumKey)) {
    return insertTogether(q, placed.map(toNewRow));
  }
  const ids: number[] = [];
  const queued: EnqueuedJob[] = [];
  for (const job of placed) {
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

/**
 * Inserts `rows` (no album item among them) in multi-row statements: jobs queued together
 * (the balance bars due together, a drop's notices) cost one statement — outside a
 * transaction one commit — not one each. Ids in the order asked; a used dedupe key (in the
 * table, or earlier in `rows`) yields its job's id, as one insert at a time would.
 */
async function insertTogether(
  q: Knex | Knex.Transaction,
  rows: readonly NewRow[],
): Promise<number[]> {
  const inserted = await insertRows(q, rows);
  // Rows without a key never conflict: their ids ascend in the order of the VALUES.
  const byKey = new Map<string, number>();
  const unkeyed: number[] = [];
  for (const r of inserted) {
    if (r.dedupeKey === null) unkeyed.push(r.id);
    else byKey.set(r.dedupeKey, r.id);
  }
  unkeyed.sort((a, b) => a - b);
  const ids: number[] = [];
  for (const row of rows) {
    if (row.dedupe_key === null) {
      ids.push(unkeyed.shift()!);
      continue;
    }
    let id = byKey.get(row.dedupe_key);
    if (id === undefined) {
      id = toInt(rowsOf<{ id: unknown }>(await q.raw(EXISTING, [row.dedupe_key]))[0]?.id);
      byKey.set(row.dedupe_key, id);
    }
    ids.push(id);
  }
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

/**
 * Issue 17: the relay jobs of the texts a batch of the intake takes (intake-batches.ts) are
 * written by one multi-row insert just before its COMMIT, not one insert per text — on
 * Postgres a round trip less per text. Rows held back per transaction, in the order asked.
 */
const heldBack = new WeakMap<Knex | Knex.Transaction, NewRow[]>();

/** From now on `trx` holds back the rows of `enqueueDeferred` until `flushInserts`. */
export function deferInserts(trx: Knex.Transaction): void {
  heldBack.set(trx, []);
}

/**
 * Enqueues `jobs` through `q` like `enqueueIn`, without their ids: when `q` holds rows back
 * (`deferInserts`) they join them, else they are inserted at once. An album item is inserted
 * at once either way (its due time is aligned with its queued siblings', a read).
 */
export async function enqueueDeferred(
  q: Knex | Knex.Transaction,
  jobs: readonly NewOutboxJob[],
  groups?: FanGroupPlacer,
): Promise<void> {
  const held = heldBack.get(q);
  if (!held || jobs.some((job) => job.albumKey)) {
    await enqueueIn(q, jobs, groups);
    return;
  }
  for (const job of groups ? await groups.place(q, jobs, held) : jobs) held.push(toNewRow(job));
}

/**
 * Inserts the rows `q` holds back, in one statement (`insertRows`: ids in the order they
 * were asked for, a used dedupe key inserts nothing), and announces them. Runs before the
 * transaction's COMMIT (intake-batches.ts), and before any other insert through `q`, so a
 * lane's jobs keep their order whatever path queued them.
 */
export async function flushInserts(q: Knex | Knex.Transaction): Promise<void> {
  const held = heldBack.get(q);
  if (!held || held.length === 0) return;
  await insertRows(q, held.splice(0));
}

/** Rows per multi-row insert at most (its text is prepared once per row count). */
export const MAX_ROWS_PER_INSERT = 64;

/**
 * The rows `q` holds back, taken (no longer held) when they fit one multi-row insert
 * (`insertManySql`): the batch of the intake then writes them in its spends' statement
 * (intake-batches.ts) and announces them with `announceInserted`. Null when none are held
 * or more than one insert's worth (then `flushInserts`).
 */
export function takeHeldInserts(q: Knex | Knex.Transaction): NewRow[] | null {
  const held = heldBack.get(q);
  if (!held || held.length === 0 || held.length > MAX_ROWS_PER_INSERT) return null;
  return held.splice(0);
}

/** What a multi-row insert returns of each row it inserted (`insertManySql`). */
export interface InsertedRow {
  id: unknown;
  dedupe_key: string | null;
  chat_id: unknown;
  lane: string;
  available_at: unknown;
}

/**
 * Inserts `rows` with multi-row statements, in their order (a used dedupe key inserts
 * nothing), and announces the rows inserted, which it returns.
 */
async function insertRows(
  q: Knex | Knex.Transaction,
  rows: readonly NewRow[],
): Promise<Array<{ id: number; dedupeKey: string | null }>> {
  const returned: InsertedRow[] = [];
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT);
    returned.push(
      ...rowsOf<InsertedRow>(await q.raw(insertManySql(chunk.length), rowValues(chunk))),
    );
  }
  return announceInserted(q, returned);
}

/** The bindings of `insertManySql` for `rows`. */
export function rowValues(rows: readonly NewRow[]): Knex.RawBinding[] {
  return rows.flatMap((row) => NEW_ROW_COLUMNS.map((c) => row[c] as Knex.RawBinding));
}

/**
 * Tells the workers of the rows a multi-row insert returned (the next due time kept in
 * process, and the NOTIFY of other instances); returns their ids and dedupe keys.
 */
export async function announceInserted(
  q: Knex | Knex.Transaction,
  returned: readonly InsertedRow[],
): Promise<Array<{ id: number; dedupeKey: string | null }>> {
  const inserted: Array<{ id: number; dedupeKey: string | null }> = [];
  const queued: EnqueuedJob[] = [];
  for (const r of returned) {
    const id = toInt(r.id);
    inserted.push({ id, dedupeKey: r.dedupe_key });
    queued.push({
      id,
      chatId: toInt(r.chat_id),
      lane: r.lane,
      dueAt: toDate(r.available_at)!.getTime(),
    });
  }
  if (queued.length > 0) {
    noteDue(q, new Date(Math.min(...queued.map((j) => j.dueAt))));
    await notifyEnqueued(q, queued);
  }
  return inserted;
}

/** The multi-row insert's text for `n` rows, built once per `n` (each is prepared once). */
const insertMany = new Map<number, string>();

export function insertManySql(n: number): string {
  let sql = insertMany.get(n);
  if (!sql) {
    const values = `(${NEW_ROW_COLUMNS.map(() => '?').join(', ')})`;
    sql =
      `INSERT INTO outbox (${NEW_ROW_COLUMNS.join(', ')}) VALUES ` +
      `${Array.from({ length: n }, () => values).join(', ')} ` +
      'ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key, chat_id, lane, available_at';
    insertMany.set(n, sql);
  }
  return sql;
}
