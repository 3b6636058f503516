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
import { isPostgres, rowsOf } from '../raw.js';
import { toInt } from '../rows.js';
import { COLUMNS, byPriority, toJob, type OutboxRow } from './mapping.js';
import type { DbOutboxStore } from './types.js';

/**
 * Postgres: when this process refreshes the outbox's statistics itself. Autovacuum analyzes
 * a table once a tenth of it changed, checking once a minute; until then a new install's
 * outbox keeps the statistics of the empty table migrations analyzed, and with them Postgres
 * took every pending job for one and walked the whole backlog where an index would seek
 * (issue 17: the claims of the 100-fan bench spent 1.6 s in Postgres per 3,000 relays; with
 * fresh statistics 0.6 s). So after `afterClaimed` claimed jobs, at most once per `minGapMs`,
 * the next claim first runs `ANALYZE` on the outbox (a sample: milliseconds, and it blocks no
 * reads or writes; one instance at a time, the others skip it). A database user that may not
 * analyze the table (not its owner) is left to autovacuum.
 */
export const OUTBOX_ANALYZE = { afterClaimed: 250, minGapMs: 5_000 } as const;

/** Claiming lane heads, and the followers that may ride along with a head. */
export function createOutboxClaims(
  db: Knex,
): Pick<DbOutboxStore, 'claim' | 'claimFollowers' | 'claimAlbum' | 'hasQueuedAbove'> {
  const postgres = dialectOf(db) === 'postgres';
  // SQLite has no autovacuum: this process refreshes the statistics now and then.
  let optimizedAt = Date.now();
  // Postgres: jobs claimed since the outbox was last analyzed (OUTBOX_ANALYZE).
  let claimedSince = 0;
  let analyzedAt = Number.NEGATIVE_INFINITY;
  let mayAnalyze = postgres;
  async function refreshStatistics(now: number): Promise<void> {
    if (!mayAnalyze || claimedSince < OUTBOX_ANALYZE.afterClaimed) return;
    if (now - analyzedAt < OUTBOX_ANALYZE.minGapMs) return;
    claimedSince = 0;
    analyzedAt = now;
    await db.raw('ANALYZE (SKIP_LOCKED) outbox').catch((err: unknown) => {
      // insufficient_privilege: not the table's owner; anything else: the next time.
      if ((err as { code?: unknown } | null)?.code === '42501') mayAnalyze = false;
    });
  }
  function counted<T extends unknown[]>(jobs: T): T {
    claimedSince += jobs.length;
    return jobs;
  }
  return {
    async claim(request) {
      if (request.limit <= 0) return [];
      const now = new Date();
      if (!postgres && now.getTime() - optimizedAt >= OPTIMIZE_EVERY_MS) {
        optimizedAt = now.getTime();
        await optimizeDatabase(db);
      }
      await refreshStatistics(now.getTime());
      const lockedUntil = new Date(now.getTime() + request.leaseMs);
      return counted(await claimHeads(db, postgres, request, now, lockedUntil));
    },
    claimFollowers: async (head, workerId, leaseMs, max) =>
      counted(await claimFollowers(db, head, workerId, leaseMs, max)),
    claimAlbum: async (head, workerId, leaseMs) =>
      counted(await claimAlbum(db, head, workerId, leaseMs)),
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
  // Private chats take no turns (the bump is for the admin group's lanes): a claim of theirs
  // leaves the step out, and Postgres plans less (most of the worker's claims find nothing).
  const turns = request.privateChats !== true;
  const sql = postgres
    ? `${PLANNED_PER_CALL}WITH heads AS (${heads} FOR UPDATE OF o SKIP LOCKED),
       claimed AS (
         UPDATE outbox SET ${set}
         FROM heads WHERE outbox.id = heads.id AND outbox.status = 'pending'
         RETURNING ${COLUMNS.map((c) => `outbox.${c}`).join(', ')}, heads.lane_has_more)${
           turns ? `, ${nextTurnsSql('claimed')}` : ''
         }
       SELECT * FROM claimed`
    : `${PLANNED_PER_CALL}UPDATE outbox SET ${set}
       WHERE id IN (${heads})
       RETURNING ${COLUMNS.join(', ')}, ${laneHasMore('outbox')} AS lane_has_more`;
  const bindings = postgres
    ? [...headBindings, ...setBindings, ...(turns ? [now, now] : [])]
    : [...setBindings, ...headBindings];
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
 * Postgres: the claim-turn bump (see `claimHeads`) as part of the claim's own statement. For
 * each group job `claimed` took, the next pending job of its lane that this statement did not
 * take becomes due no earlier than `?` (the claim's time; bound twice). Until migration
 * `20261212100000_outbox_claim_turn_in_claims` a row trigger did this once per claimed row,
 * each call planned anew (1.2 s of execution and 1.9 s of planning per 3,000 relays in the
 * 100-fan bench — the largest cost in Postgres); here it is one more step of a statement that
 * is planned anyway. The sub-statements of a WITH see the table as it was before the
 * statement, so the rows being claimed still look pending: they are left out by id.
 */
function nextTurnsSql(claimed: string): string {
  return `turns AS (
       UPDATE outbox SET available_at = ?
       WHERE id IN (
         SELECT (SELECT MIN(n.id) FROM outbox AS n
                 WHERE n.lane = c.lane AND n.id > c.id AND n.status IN ('pending', 'sending')
                   AND n.status = 'pending'
                   AND n.id <> ALL (ARRAY(SELECT t.id FROM ${claimed} AS t)))
         FROM ${claimed} AS c WHERE c.chat_id < 0)
         AND available_at < ?)`;
}

/**
 * Runs `update` (an `UPDATE outbox … RETURNING` that marks jobs `sending`) and returns its
 * jobs by id; on Postgres with its lanes' turns in the same statement (`nextTurnsSql`).
 */
async function claimRows(
  db: Knex,
  update: string,
  bindings: Knex.RawBinding[],
  now: Date,
  prefix = '',
): Promise<OutboxJob[]> {
  const result = isPostgres(db)
    ? await db.raw(
        `${prefix}WITH claimed AS (${update}), ${nextTurnsSql('claimed')} SELECT * FROM claimed`,
        [...bindings, now, now],
      )
    : await db.raw(`${prefix}${update}`, bindings);
  return rowsOf<OutboxRow>(result)
    .map((r) => ({ ...toJob(r), status: 'sending' as const }))
    .sort((a, b) => a.id - b.id);
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
  const update = `UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ?
     WHERE id IN (
       SELECT a.id FROM outbox AS a
       WHERE a.lane = ? AND a.album_key = ? AND a.status = 'pending' AND a.id <> ?
       ORDER BY a.id
       LIMIT ?)
       AND status = 'pending'
     RETURNING ${COLUMNS.join(', ')}`;
  const bindings = [
    workerId,
    new Date(now.getTime() + leaseMs),
    now,
    head.lane,
    head.albumKey,
    head.id,
    MAX_BATCH,
  ];
  return claimRows(db, update, bindings, now);
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
  // Postgres: `= ANY(ARRAY(…))` runs the walk once, then fetches its rows by id — whatever
  // the statistics say. As `IN (…)`, with the estimates of a table analyzed while it was
  // nearly empty (a new install, then a burst), Postgres joined the pending jobs against the
  // walk and ran the walk once per pending job: 13 ms a claim at 175 pending instead of 0.3
  // (issue 17). SQLite runs an `IN` sub-query once anyway.
  const [open, close] = isPostgres(db) ? ['= ANY(ARRAY(', '))'] : ['IN (', ')'];
  const update = `UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, updated_at = ?
     WHERE id ${open}
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
       LIMIT ?${close}
       AND status = 'pending'
     RETURNING ${COLUMNS.join(', ')}`;
  const bindings = [
    workerId,
    lockedUntil,
    now,
    head.lane,
    head.id,
    now,
    head.lane,
    head.id,
    now,
    max,
  ];
  return claimRows(db, update, bindings, now, PLANNED_PER_CALL);
}
