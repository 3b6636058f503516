/**
 * Claiming takes the oldest unsent job of each lane only, so a lane is never worked on by
 * two workers at once (strict per-lane order); on Postgres the claim uses FOR UPDATE SKIP
 * LOCKED so several instances never take the same row. A claim is one statement served by
 * a partial index in claim order (migration `20261208160000_outbox_claim_indexes`).
 */
import type { Knex } from 'knex';
import { PLANNED_PER_CALL } from '../pg-client.js';
import { MAX_BATCH, type ClaimRequest, type OutboxJob } from '../../../core/traffic/outbox.js';
import { OPTIMIZE_EVERY_MS, dialectOf, optimizeDatabase } from '../knex.js';
import { rowsOf } from '../raw.js';
import { toInt } from '../rows.js';
import { COLUMNS, byPriority, toJob, type OutboxRow } from './mapping.js';
import type { DbOutboxStore } from './types.js';

/** Claiming lane heads, and the followers that may ride along with a head. */
export function createOutboxClaims(
  db: Knex,
): Pick<DbOutboxStore, 'claim' | 'claimFollowers' | 'claimAlbum' | 'hasQueuedAbove'> {
  const postgres = dialectOf(db) === 'postgres';
  // SQLite has no autovacuum: this process refreshes the statistics now and then.
  let optimizedAt = Date.now();
  return {
    async claim(request) {
      if (request.limit <= 0) return [];
      const now = new Date();
      if (!postgres && now.getTime() - optimizedAt >= OPTIMIZE_EVERY_MS) {
        optimizedAt = now.getTime();
        await optimizeDatabase(db);
      }
      const lockedUntil = new Date(now.getTime() + request.leaseMs);
      return claimHeads(db, postgres, request, now, lockedUntil);
    },
    claimFollowers: (head, workerId, leaseMs, max) =>
      claimFollowers(db, head, workerId, leaseMs, max),
    claimAlbum: (head, workerId, leaseMs) => claimAlbum(db, head, workerId, leaseMs),
    async hasQueuedAbove(head) {
      // Index-backed: outbox_live_chat_index (chat_id, priority) over live jobs finds the
      // group's jobs above the head's priority, outbox_live_lane_index the head's own lane (EXPLAIN in
      // docs/architecture.md, "Scale"). A head with more important jobs queued behind it in
      // its own lane never waits: they would wait with it (and so no background job ever
      // waits for another).
      const rows = (await db.raw(
        `${PLANNED_PER_CALL}SELECT j.id FROM outbox AS j
         WHERE j.status IN ('pending', 'sending') AND j.priority > ? AND j.chat_id = ?
           AND j.lane <> ?
           AND NOT EXISTS (
             SELECT 1 FROM outbox AS q
             WHERE q.lane = ? AND q.id > ? AND q.status IN ('pending', 'sending')
               AND q.status = 'pending' AND q.priority > ?)
         LIMIT 1`,
        [head.priority, head.target.chatId, head.lane, head.lane, head.id, head.priority],
      )) as unknown;
      return rowsOf(rows).length > 0;
    },
  };
}

/** The partial index that holds exactly the pending jobs of one kind of chat, in claim order. */
function claimIndex(privateChats: boolean | undefined): string | undefined {
  if (privateChats === true) return 'outbox_pending_private_claim_index';
  if (privateChats === false) return 'outbox_pending_group_claim_index';
  return undefined;
}

/**
 * Round-robin within a priority (issue 20): when a group job is claimed, the next pending job
 * of its lane becomes due "now" (trigger `outbox_claim_turn`, migration
 * `20261208180000_outbox_claim_turns`), so it queues behind the heads of that priority that
 * were already waiting: one fan flooding the admin group cannot starve the others.
 *
 * One statement: the lane heads, walked in claim order (priority, then when the head became
 * due, then age) through the partial index of pending jobs of that kind of chat and cut at
 * `limit`, are marked `sending` and returned. The walk stops once it has `limit` heads, so
 * a claim reads about what it takes (plus the queued followers of lanes in flight), whatever
 * the backlog. On Postgres the heads are locked `SKIP LOCKED`: several instances never take the same row.
 */
async function claimHeads(
  db: Knex,
  postgres: boolean,
  request: ClaimRequest,
  now: Date,
  lockedUntil: Date,
): Promise<OutboxJob[]> {
  const filters: string[] = [];
  const headBindings: unknown[] = [];
  if (request.privateChats === true) filters.push('AND o.chat_id > 0');
  if (request.privateChats === false) filters.push('AND o.chat_id < 0');
  if (request.excludeChatIds.length > 0) {
    filters.push(`AND o.chat_id NOT IN (${request.excludeChatIds.map(() => '?').join(', ')})`);
    headBindings.push(...request.excludeChatIds);
  }
  headBindings.push(now, request.limit);
  const setBindings = [request.workerId, lockedUntil, now];
  const index = claimIndex(request.privateChats);
  // SQLite: the index is named, so the plan never depends on statistics.
  const from = !postgres && index ? `outbox AS o INDEXED BY ${index}` : 'outbox AS o';
  const heads = `SELECT o.id${postgres ? `, ${laneHasMore('o')} AS lane_has_more` : ''}
       FROM ${from}
       WHERE o.status = 'pending' ${filters.join(' ')} AND o.available_at <= ?
         AND NOT EXISTS (
           SELECT 1 FROM outbox AS p
           WHERE p.lane = o.lane AND p.id < o.id AND p.status IN ('pending', 'sending'))
       ORDER BY o.priority DESC, o.available_at, o.id
       LIMIT ?`;
  const set = `status = 'sending', locked_by = ?, locked_until = ?, attempt_started_at = NULL, updated_at = ?`;
  const sql = postgres
    ? `${PLANNED_PER_CALL}WITH heads AS (${heads} FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox SET ${set}
       FROM heads WHERE outbox.id = heads.id AND outbox.status = 'pending'
       RETURNING ${COLUMNS.map((c) => `outbox.${c}`).join(', ')}, heads.lane_has_more`
    : `${PLANNED_PER_CALL}UPDATE outbox SET ${set}
       WHERE id IN (${heads})
       RETURNING ${COLUMNS.join(', ')}, ${laneHasMore('outbox')} AS lane_has_more`;
  const bindings = postgres ? [...headBindings, ...setBindings] : [...setBindings, ...headBindings];
  const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as
    { rows: ClaimedRow[] } | ClaimedRow[];
  const rows = Array.isArray(result) ? result : result.rows;
  return rows
    .map((row) => ({ ...toJob(row), laneHasMore: Boolean(toInt(row.lane_has_more)) }))
    .sort(byPriority);
}

/** A claimed head's row, with whether later jobs wait in its lane. */
type ClaimedRow = OutboxRow & { lane_has_more: unknown };

/**
 * True (1) when jobs wait behind `head`'s row in its lane: one probe of
 * `outbox_live_lane_index` (lane, id) WHERE status IN ('pending', 'sending').
 */
function laneHasMore(head: string): string {
  return `CASE WHEN EXISTS (
           SELECT 1 FROM outbox AS q
           WHERE q.lane = ${head}.lane AND q.id > ${head}.id AND q.status IN ('pending', 'sending'))
         THEN 1 ELSE 0 END`;
}

/**
 * The album's other pending jobs in the head's lane, due or not, marked `sending` under
 * `workerId`'s lease in one statement (`outbox_pending_album_index`): the head is `sending`
 * under our lease, so no other worker claims anything of this lane meanwhile.
 */
async function claimAlbum(
  db: Knex,
  head: OutboxJob,
  workerId: string,
  leaseMs: number,
): Promise<OutboxJob[]> {
  if (!head.albumKey) return [];
  const now = new Date();
  const result = await db.raw(
    `UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ?
     WHERE id IN (
       SELECT a.id FROM outbox AS a
       WHERE a.lane = ? AND a.album_key = ? AND a.status = 'pending' AND a.id <> ?
       ORDER BY a.id
       LIMIT ?)
       AND status = 'pending'
     RETURNING ${COLUMNS.join(', ')}`,
    [
      workerId,
      new Date(now.getTime() + leaseMs),
      now,
      head.lane,
      head.albumKey,
      head.id,
      MAX_BATCH,
    ],
  );
  return rowsOf<OutboxRow>(result)
    .map((r) => ({ ...toJob(r), status: 'sending' as const }))
    .sort((a, b) => a.id - b.id);
}

/** Above every job id: the run has no gap. */
const NO_GAP = '9223372036854775807';

/**
 * The ready jobs right after `head` in its lane, up to the first gap (a job not due yet, or
 * one being sent), marked `sending` under `workerId`'s lease — one statement. The head is
 * `sending` under our lease, so nobody else claims any job of this lane meanwhile; the
 * outer `status = 'pending'` still guards it (on Postgres a row another transaction claimed
 * after this statement's snapshot is re-checked against it, never taken twice).
 */
async function claimFollowers(
  db: Knex,
  head: OutboxJob,
  workerId: string,
  leaseMs: number,
  max: number,
): Promise<OutboxJob[]> {
  if (max <= 0) return [];
  const now = new Date();
  const lockedUntil = new Date(now.getTime() + leaseMs);
  const result = (await db.raw(
    `${PLANNED_PER_CALL}UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ?
     WHERE id IN (
       SELECT f.id FROM outbox AS f
       WHERE f.lane = ? AND f.id > ? AND f.status IN ('pending', 'sending')
         AND f.status = 'pending' AND f.available_at <= ?
         AND f.id < COALESCE((
           SELECT g.id FROM outbox AS g
           WHERE g.lane = ? AND g.id > ? AND g.status IN ('pending', 'sending')
             AND (g.status = 'sending' OR g.available_at > ?)
           ORDER BY g.id
           LIMIT 1), ${NO_GAP})
       ORDER BY f.id
       LIMIT ?)
       AND status = 'pending'
     RETURNING ${COLUMNS.join(', ')}`,
    [workerId, lockedUntil, now, head.lane, head.id, now, head.lane, head.id, now, max],
  )) as { rows: OutboxRow[] } | OutboxRow[];
  const rows = Array.isArray(result) ? result : result.rows;
  return rows.map((r) => ({ ...toJob(r), status: 'sending' as const })).sort((a, b) => a.id - b.id);
}
