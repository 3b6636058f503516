/**
 * The outbox over knex. Claiming takes the oldest unsent job of each lane only, so a lane
 * is never worked on by two workers at once (strict per-lane order); on Postgres the claim
 * uses FOR UPDATE SKIP LOCKED so several instances never take the same row.
 */
import type { Knex } from 'knex';
import {
  laneOf,
  type ClaimRequest,
  type NewOutboxJob,
  type OutboxJob,
  type OutboxOutcome,
  type OutboxStatus,
  type OutboxStore,
  type OutboxTarget,
  type RetryUpdate,
} from '../../core/traffic/outbox.js';
import { dialectOf } from './knex.js';
import { toInt, toRequiredDate } from './rows.js';

interface OutboxRow {
  id: number;
  kind: string;
  chat_id: number | string;
  thread_id: number | null;
  fan_id: number | string | null;
  priority: number;
  payload: string;
  dedupe_key: string | null;
  status: OutboxStatus;
  attempts: number;
  available_at: unknown;
  created_at: unknown;
  lane: string;
}

/** What the payload column holds. */
interface Payload {
  method: string;
  params: Record<string, unknown>;
  toTopic?: boolean;
}

function toJob(row: OutboxRow): OutboxJob {
  const payload = JSON.parse(row.payload) as Payload;
  const chatId = toInt(row.chat_id);
  const fanId = row.fan_id === null ? null : toInt(row.fan_id);
  const target: OutboxTarget =
    payload.toTopic && fanId !== null
      ? { type: 'topic', chatId, fanId }
      : row.thread_id === null
        ? { type: 'chat', chatId }
        : { type: 'chat', chatId, threadId: toInt(row.thread_id) };
  return {
    id: toInt(row.id),
    kind: row.kind,
    lane: row.lane,
    target,
    method: payload.method,
    params: payload.params,
    priority: toInt(row.priority),
    dedupeKey: row.dedupe_key,
    fanId,
    status: row.status,
    attempts: toInt(row.attempts),
    availableAt: toRequiredDate(row.available_at),
    createdAt: toRequiredDate(row.created_at),
  };
}

const COLUMNS = [
  'id',
  'kind',
  'chat_id',
  'thread_id',
  'fan_id',
  'priority',
  'payload',
  'dedupe_key',
  'status',
  'attempts',
  'available_at',
  'created_at',
  'lane',
];

export interface DbOutboxStore extends OutboxStore {
  /** Enqueue inside the caller's transaction (a fan message and its spend commit together). */
  enqueueIn(trx: Knex | Knex.Transaction, jobs: readonly NewOutboxJob[]): Promise<number[]>;
  /** A job by id (tests, tooling). */
  get(id: number): Promise<
    | (OutboxJob & {
        outcome: string | null;
        sentMessageId: number | null;
        lastError: string | null;
      })
    | null
  >;
}

/** Builds the outbox store for `db` (SQLite: one instance; Postgres: many). */
export function createOutboxStore(db: Knex): DbOutboxStore {
  const postgres = dialectOf(db) === 'postgres';

  async function enqueueIn(
    q: Knex | Knex.Transaction,
    jobs: readonly NewOutboxJob[],
  ): Promise<number[]> {
    const ids: number[] = [];
    for (const job of jobs) {
      const threadId = job.target.type === 'chat' ? (job.target.threadId ?? null) : null;
      const fanId = job.target.type === 'topic' ? job.target.fanId : (job.fanId ?? null);
      const payload: Payload = { method: job.method, params: job.params };
      if (job.target.type === 'topic') payload.toTopic = true;
      const row = {
        kind: job.kind,
        chat_id: job.target.chatId,
        thread_id: threadId,
        fan_id: fanId,
        priority: job.priority ?? 0,
        payload: JSON.stringify(payload),
        dedupe_key: job.dedupeKey ?? null,
        lane: laneOf(job.target),
        available_at: job.notBefore ?? new Date(),
        created_at: new Date(),
        updated_at: new Date(),
      };
      const inserted = (await q('outbox')
        .insert(row)
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
    return ids;
  }

  /** The "oldest unfinished job of its lane" filter shared by both dialects. */
  function headsQuery(q: Knex | Knex.Transaction, request: ClaimRequest, now: Date) {
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
    if (request.excludeChatIds.length > 0)
      query.whereNotIn('o.chat_id', [...request.excludeChatIds]);
    if (request.privateChats === true) query.where('o.chat_id', '>', 0);
    if (request.privateChats === false) query.where('o.chat_id', '<', 0);
    return query;
  }

  async function claim(request: ClaimRequest): Promise<OutboxJob[]> {
    if (request.limit <= 0) return [];
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + request.leaseMs);
    const set = {
      status: 'sending',
      locked_by: request.workerId,
      locked_until: lockedUntil,
      attempt_started_at: null,
      updated_at: now,
    };
    if (postgres) {
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
    return db.transaction(async (trx) => {
      const ids = ((await headsQuery(trx, request, now)) as Array<{ id: number }>).map((r) => r.id);
      if (ids.length === 0) return [];
      await trx('outbox').whereIn('id', ids).update(set);
      const rows = (await trx('outbox').whereIn('id', ids).select(COLUMNS)) as OutboxRow[];
      return rows.map(toJob).sort(byPriority);
    });
  }

  async function claimFollowers(
    head: OutboxJob,
    workerId: string,
    leaseMs: number,
    max: number,
  ): Promise<OutboxJob[]> {
    if (max <= 0) return [];
    const now = new Date();
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
    if (run.length === 0) return [];
    const ids = run.map((r) => toInt(r.id));
    await db('outbox')
      .whereIn('id', ids)
      .where('status', 'pending')
      .update({
        status: 'sending',
        locked_by: workerId,
        locked_until: new Date(now.getTime() + leaseMs),
        updated_at: now,
      });
    return run.map((r) => ({ ...toJob(r), status: 'sending' as const }));
  }

  return {
    enqueue: (jobs) => enqueueIn(db, jobs),
    enqueueIn,
    claim,
    claimFollowers,

    async markAttempt(ids, workerId) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .where('locked_by', workerId)
        .update({ attempt_started_at: new Date(), updated_at: new Date() });
    },

    async markSent(ids, messageIds) {
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
    },

    async retry(ids, update: RetryUpdate) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .update({
          status: 'pending',
          available_at: update.availableAt,
          attempts: update.countAttempt ? db.raw('attempts + 1') : db.raw('attempts'),
          last_error: update.error.slice(0, 500),
          locked_by: null,
          locked_until: null,
          attempt_started_at: null,
          updated_at: new Date(),
        });
    },

    async finish(ids, status, outcome: OutboxOutcome, error) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .update({
          status,
          outcome,
          last_error: error.slice(0, 500),
          attempts: db.raw('attempts + 1'),
          locked_by: null,
          locked_until: null,
          updated_at: new Date(),
        });
    },

    async renew(ids, workerId, leaseMs) {
      if (ids.length === 0) return;
      await db('outbox')
        .whereIn('id', [...ids])
        .where({ locked_by: workerId, status: 'sending' })
        .update({ locked_until: new Date(Date.now() + leaseMs) });
    },

    async recoverAbandoned({ all }) {
      const now = new Date();
      const abandoned = () => {
        const q = db('outbox').where('status', 'sending');
        if (!all) q.where('locked_until', '<', now);
        return q;
      };
      const requeued = await abandoned().whereNull('attempt_started_at').update({
        status: 'pending',
        locked_by: null,
        locked_until: null,
        updated_at: now,
      });
      const attempted = (
        (await abandoned().whereNotNull('attempt_started_at').select(COLUMNS)) as OutboxRow[]
      ).map(toJob);
      return { requeued: typeof requeued === 'number' ? requeued : 0, attempted };
    },

    async depth() {
      const rows = (await db('outbox')
        .select('status')
        .count({ n: '*' })
        .groupBy('status')) as Array<{
        status: OutboxStatus;
        n: number | string;
      }>;
      const out: Record<OutboxStatus, number> = {
        pending: 0,
        sending: 0,
        sent: 0,
        failed: 0,
        dead: 0,
      };
      for (const row of rows) out[row.status] = toInt(row.n);
      return out;
    },

    async purgeFinished(before) {
      return db('outbox')
        .whereIn('status', ['sent', 'failed', 'dead'])
        .where('updated_at', '<', before)
        .delete();
    },

    async moveChat(oldChatId, newChatId) {
      const rows = (await db('outbox')
        .where({ chat_id: oldChatId })
        .whereIn('status', ['pending', 'sending'])
        .select('id', 'lane')) as Array<{ id: number; lane: string }>;
      for (const row of rows) {
        await db('outbox')
          .where('id', row.id)
          .update({
            chat_id: newChatId,
            lane: row.lane.replace(String(oldChatId), String(newChatId)),
          });
      }
      return rows.length;
    },

    async get(id) {
      const row = (await db('outbox')
        .where('id', id)
        .first([...COLUMNS, 'outcome', 'sent_message_id', 'last_error'])) as
        | (OutboxRow & {
            outcome: string | null;
            sent_message_id: number | null;
            last_error: string | null;
          })
        | undefined;
      if (!row) return null;
      return {
        ...toJob(row),
        outcome: row.outcome,
        sentMessageId: row.sent_message_id === null ? null : toInt(row.sent_message_id),
        lastError: row.last_error,
      };
    },
  };
}

function byPriority(a: OutboxJob, b: OutboxJob): number {
  return b.priority - a.priority || a.id - b.id;
}
