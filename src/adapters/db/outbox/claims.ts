/**
 * Claiming takes the oldest unsent job of each lane only, so a lane is never worked on by
 * two workers at once (strict per-lane order); on Postgres the claim uses FOR UPDATE SKIP
 * LOCKED so several instances never take the same row.
 */
import type { Knex } from 'knex';
import { MAX_BATCH, type ClaimRequest, type OutboxJob } from '../../../core/traffic/outbox.js';
import { dialectOf } from '../knex.js';
import { toInt } from '../rows.js';
import { COLUMNS, byPriority, toJob, type OutboxRow } from './mapping.js';
import type { DbOutboxStore } from './types.js';

/** Claiming lane heads, and the followers that may ride along with a head. */
export function createOutboxClaims(
  db: Knex,
): Pick<DbOutboxStore, 'claim' | 'claimFollowers' | 'claimAlbum'> {
  const postgres = dialectOf(db) === 'postgres';
  return {
    async claim(request) {
      if (request.limit <= 0) return [];
      const now = new Date();
      const lockedUntil = new Date(now.getTime() + request.leaseMs);
      return postgres
        ? claimOnPostgres(db, request, now, lockedUntil)
        : claimOnSqlite(db, request, now, lockedUntil);
    },
    claimFollowers: (head, workerId, leaseMs, max) =>
      claimFollowers(db, head, workerId, leaseMs, max),
    claimAlbum: (head, workerId, leaseMs) => claimAlbum(db, head, workerId, leaseMs),
  };
}

async function claimOnPostgres(
  db: Knex,
  request: ClaimRequest,
  now: Date,
  lockedUntil: Date,
): Promise<OutboxJob[]> {
  // The queue's front is read first (bounded, index order), then its lane heads are
  // locked: the plan stays cheap even when the table's statistics are stale.
  const scan = Math.max(500, request.limit * 20);
  const filters: string[] = [];
  const bindings: unknown[] = [now];
  if (request.excludeChatIds.length > 0) {
    filters.push(`AND chat_id NOT IN (${request.excludeChatIds.map(() => '?').join(',')})`);
    bindings.push(...request.excludeChatIds);
  }
  if (request.privateChats === true) filters.push('AND chat_id > 0');
  if (request.privateChats === false) filters.push('AND chat_id < 0');
  bindings.push(scan, request.limit, request.workerId, lockedUntil, now);
  const result = (await db.raw(
    `WITH front AS MATERIALIZED (
       SELECT id FROM outbox
       WHERE status = 'pending' AND available_at <= ? ${filters.join(' ')}
       ORDER BY priority DESC, id LIMIT ?
     ), heads AS (
       SELECT o.id FROM outbox o JOIN front f ON f.id = o.id
       WHERE o.status = 'pending'
         AND NOT EXISTS (
           SELECT 1 FROM outbox p
           WHERE p.lane = o.lane AND p.id < o.id AND p.status IN ('pending', 'sending'))
       ORDER BY o.priority DESC, o.id
       LIMIT ?
       FOR UPDATE OF o SKIP LOCKED
     )
     UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempt_started_at = NULL, updated_at = ?
     FROM heads WHERE outbox.id = heads.id AND outbox.status = 'pending'
     RETURNING ${COLUMNS.map((c) => `outbox.${c}`).join(', ')}`,
    bindings as Knex.RawBinding[],
  )) as { rows: OutboxRow[] };
  return result.rows.map(toJob).sort(byPriority);
}

async function claimOnSqlite(
  db: Knex,
  request: ClaimRequest,
  now: Date,
  lockedUntil: Date,
): Promise<OutboxJob[]> {
  const set = {
    status: 'sending',
    locked_by: request.workerId,
    locked_until: lockedUntil,
    attempt_started_at: null,
    updated_at: now,
  };
  return db.transaction(async (trx) => {
    const heads = (await headsQuery(db, trx, request, now)) as Array<{ id: number }>;
    const ids = heads.map((r) => r.id);
    if (ids.length === 0) return [];
    await trx('outbox').whereIn('id', ids).update(set);
    const rows = (await trx('outbox').whereIn('id', ids).select(COLUMNS)) as OutboxRow[];
    return rows.map(toJob).sort(byPriority);
  });
}

/** The "oldest unfinished job of its lane" filter. */
function headsQuery(db: Knex, q: Knex.Transaction, request: ClaimRequest, now: Date) {
  const query = q('outbox as o')
    .select('o.id')
    .where('o.status', 'pending')
    .where('o.available_at', '<=', now)
    .whereNotExists(function () {
      this.select(db.raw('1'))
        .from('outbox as p')
        .whereRaw('p.lane = o.lane')
        .whereRaw('p.id < o.id')
        .whereIn('p.status', ['pending', 'sending']);
    })
    .orderBy([
      { column: 'o.priority', order: 'desc' },
      { column: 'o.id', order: 'asc' },
    ])
    .limit(request.limit);
  if (request.excludeChatIds.length > 0) query.whereNotIn('o.chat_id', [...request.excludeChatIds]);
  if (request.privateChats === true) query.where('o.chat_id', '>', 0);
  if (request.privateChats === false) query.where('o.chat_id', '<', 0);
  return query;
}

/** Marks `rows` sending under `workerId`'s lease; they come back as claimed jobs. */
async function lease(
  db: Knex,
  rows: readonly OutboxRow[],
  workerId: string,
  leaseMs: number,
  now: Date,
): Promise<OutboxJob[]> {
  if (rows.length === 0) return [];
  await db('outbox')
    .whereIn(
      'id',
      rows.map((r) => toInt(r.id)),
    )
    .where('status', 'pending')
    .update({
      status: 'sending',
      locked_by: workerId,
      locked_until: new Date(now.getTime() + leaseMs),
      updated_at: now,
    });
  return rows.map((r) => ({ ...toJob(r), status: 'sending' as const }));
}

/**
 * The album's other pending jobs in the head's lane, due or not: the head is `sending` under
 * our lease, so no other worker claims anything of this lane meanwhile.
 */
async function claimAlbum(
  db: Knex,
  head: OutboxJob,
  workerId: string,
  leaseMs: number,
): Promise<OutboxJob[]> {
  if (!head.albumKey) return [];
  const rows = (await db('outbox')
    .where({ lane: head.lane, album_key: head.albumKey, status: 'pending' })
    .whereNot('id', head.id)
    .orderBy('id')
    .limit(MAX_BATCH)
    .select(COLUMNS)) as OutboxRow[];
  return lease(db, rows, workerId, leaseMs, new Date());
}

async function claimFollowers(
  db: Knex,
  head: OutboxJob,
  workerId: string,
  leaseMs: number,
  max: number,
): Promise<OutboxJob[]> {
  if (max <= 0) return [];
  const now = new Date();
  const run = await followingRun(db, head, now, max);
  return lease(db, run, workerId, leaseMs, now);
}

/** The ready jobs right after `head` in its lane, up to the first gap. */
async function followingRun(
  db: Knex,
  head: OutboxJob,
  now: Date,
  max: number,
): Promise<OutboxRow[]> {
  // The head is `sending` under our lease, so nobody else can claim any job of this lane.
  const rows = (await db('outbox')
    .where({ lane: head.lane, status: 'pending' })
    .where('id', '>', head.id)
    .where('available_at', '<=', now)
    .orderBy('id')
    .limit(max)
    .select(COLUMNS)) as OutboxRow[];
  // Only the unbroken run right after the head keeps the lane in order.
  const between = (await db('outbox')
    .where({ lane: head.lane })
    .where('id', '>', head.id)
    .whereIn('status', ['pending', 'sending'])
    .orderBy('id')
    .limit(max)
    .select('id')) as Array<{ id: number }>;
  const run: OutboxRow[] = [];
  for (let i = 0; i < rows.length && i < between.length; i++) {
    if (toInt(between[i]!.id) !== toInt(rows[i]!.id)) break;
    run.push(rows[i]!);
  }
  return run;
}
