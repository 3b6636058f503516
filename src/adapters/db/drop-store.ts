/**
 * Drops over knex (core/drops/ports.ts): `drops`, `drop_recipients` (migration
 * 20261208130000_drops), the audience read from `users`, the vault items from
 * `premium_content`, what became of each teaser from its `outbox` job, and the unlocks from
 * `content_purchases`. Times are epoch milliseconds on both dialects.
 */
import type { Knex } from 'knex';
import {
  DROP_WITHDRAWN,
  dropTeaserKey,
  recipientOutcome,
  type Drop,
  type DropCounts,
  type DropStatus,
  type DropStore,
  type RecipientStatus,
} from '../../core/drops/ports.js';
import { parseSegment } from '../../core/drops/segment.js';
import { audienceQuery, dropResults, itemQueries } from './drop-audience.js';
import { toInt } from './rows.js';

interface DropRow {
  id: number | string;
  item_id: number | string;
  segment: string;
  status: string;
  created_by: number | string;
  chat_id: number | string;
  thread_id: number | string | null;
  progress_message_id: number | string | null;
  progress_edits: number | string;
  progress_shown: number | string;
  progress_edited_at_ms: number | string;
  total: number | string;
  created_at_ms: number | string;
  finished_at_ms: number | string | null;
}

function toDrop(row: DropRow): Drop {
  const segment = parseSegment(JSON.parse(row.segment));
  if (!segment) throw new TypeError(`drop ${String(row.id)} has an unknown segment`);
  return {
    id: toInt(row.id),
    itemId: toInt(row.item_id),
    segment,
    status: row.status as DropStatus,
    createdBy: toInt(row.created_by),
    chatId: toInt(row.chat_id),
    threadId: row.thread_id === null ? null : toInt(row.thread_id),
    progressMessageId: row.progress_message_id === null ? null : toInt(row.progress_message_id),
    progressEdits: toInt(row.progress_edits),
    progressShown: toInt(row.progress_shown),
    progressEditedAt: new Date(toInt(row.progress_edited_at_ms)),
    total: toInt(row.total),
    createdAt: new Date(toInt(row.created_at_ms)),
    finishedAt: row.finished_at_ms === null ? null : new Date(toInt(row.finished_at_ms)),
  };
}

/**
 * The teaser jobs of fans claimed but not marked queued (a crash between the enqueue and
 * the mark): found by their key, so a restart neither loses nor repeats them.
 */
async function jobsByKey(
  db: Knex,
  dropId: number,
  rows: ReadonlyArray<{ fan_id: number | string; outbox_job_id: number | string | null }>,
): Promise<Map<number, { status: string; outcome: string | null }>> {
  const keys = rows
    .filter((r) => r.outbox_job_id === null)
    .map((r) => dropTeaserKey(dropId, toInt(r.fan_id)));
  const found = new Map<number, { status: string; outcome: string | null }>();
  for (let i = 0; i < keys.length; i += 500) {
    const jobs = (await db('outbox')
      .whereIn('dedupe_key', keys.slice(i, i + 500))
      .select('id', 'dedupe_key', 'status', 'outcome')) as Array<{
      id: number | string;
      dedupe_key: string;
      status: string;
      outcome: string | null;
    }>;
    for (const job of jobs) {
      const fanId = Number(job.dedupe_key.split(':')[2]);
      found.set(fanId, { status: job.status, outcome: job.outcome });
      await db('drop_recipients')
        .where({ drop_id: dropId, fan_id: fanId, status: 'queued' })
        .whereNull('outbox_job_id')
        .update({ outbox_job_id: toInt(job.id) });
    }
  }
  return found;
}

/** The drop store, and the fan's language for the plain teaser. */
export type DbDropStore = DropStore & { fanLanguage(fanId: number): Promise<string | null> };

/** The drops themselves: created, listed, closed, their progress message and results. */
function dropRows(
  db: Knex,
): Pick<
  DropStore,
  'create' | 'get' | 'open' | 'recent' | 'close' | 'progressMessageId' | 'claimEdit' | 'results'
> {
  const get = async (id: number) => {
    const row = (await db('drops').where({ id }).first()) as DropRow | undefined;
    return row ? toDrop(row) : null;
  };
  return {
    async create(input) {
      return db.transaction(async (trx) => {
        const [inserted] = (await trx('drops')
          .insert({
            item_id: input.itemId,
            segment: JSON.stringify(input.segment),
            status: 'running',
            created_by: input.createdBy,
            chat_id: input.chatId,
            thread_id: input.threadId,
            total: 0,
            created_at_ms: input.now.getTime(),
          })
          .returning('id')) as Array<{ id: number | string } | number>;
        const id = toInt(typeof inserted === 'object' ? inserted.id : inserted);
        // The audience is fixed now; fans known to have blocked the bot are not sent to.
        const fans = audienceQuery(trx, input.itemId, input.segment, input.now).select(
          trx.raw(`${id} AS drop_id`),
          'u.id',
          trx.raw(`CASE WHEN u.is_blocked THEN 'blocked' ELSE 'pending' END AS status`),
        );
        await trx
          .into(trx.raw('?? (??, ??, ??)', ['drop_recipients', 'drop_id', 'fan_id', 'status']))
          .insert(fans);
        const [count] = (await trx('drop_recipients')
          .where({ drop_id: id })
          .select(
            trx.raw('COUNT(*) AS n'),
            trx.raw(`SUM(CASE WHEN status = 'blocked' THEN 1 ELSE 0 END) AS blocked`),
          )) as Array<{ n: number | string; blocked: number | string | null }>;
        // The progress message starts by showing the fans already settled (known blocked).
        await trx('drops')
          .where({ id })
          .update({ total: toInt(count?.n), progress_shown: toInt(count?.blocked) });
        const row = (await trx('drops').where({ id }).first()) as DropRow;
        return toDrop(row);
      });
    },
    get,
    async open() {
      const rows = (await db('drops').whereNull('finished_at_ms').orderBy('id')) as DropRow[];
      return rows.map(toDrop);
    },
    async recent(limit) {
      const rows = (await db('drops').orderBy('id', 'desc').limit(limit)) as DropRow[];
      return rows.map(toDrop);
    },
    async close(dropId, now) {
      const changed = await db('drops')
        .where({ id: dropId })
        .whereNull('finished_at_ms')
        .update({
          status: db.raw(`CASE WHEN status = 'running' THEN 'done' ELSE status END`),
          finished_at_ms: now.getTime(),
        });
      return changed > 0;
    },
    async progressMessageId(drop) {
      if (drop.progressMessageId !== null) return drop.progressMessageId;
      const row = (await db('outbox')
        .where({ dedupe_key: `drop_progress:${drop.id}` })
        .first('status', 'sent_message_id')) as
        { status: string; sent_message_id: number | string | null } | undefined;
      if (!row || row.status === 'pending' || row.status === 'sending') return 'waiting';
      if (row.sent_message_id === null) return null;
      const messageId = toInt(row.sent_message_id);
      await db('drops').where({ id: drop.id }).update({ progress_message_id: messageId });
      return messageId;
    },
    async claimEdit(dropId, edits, shown, now) {
      const previous = db('outbox')
        .select(db.raw('1'))
        .where('dedupe_key', `drop_progress:${dropId}:${edits}`)
        .whereIn('status', ['pending', 'sending']);
      const changed = await db('drops')
        .where({ id: dropId, progress_edits: edits })
        .whereNotExists(previous)
        .update({
          progress_edits: edits + 1,
          progress_shown: shown,
          progress_edited_at_ms: now.getTime(),
        });
      return changed > 0;
    },
    results: (drop) => dropResults(db, drop),
  };
}

/** The fans of a drop: claimed, queued, settled from their teaser's job, cancelled. */
function recipientRows(
  db: Knex,
): Pick<DropStore, 'settle' | 'claimPending' | 'markQueued' | 'counts' | 'cancel'> {
  return {
    async settle(dropId) {
      const rows = (await db('drop_recipients as r')
        .leftJoin('outbox as o', 'o.id', 'r.outbox_job_id')
        .where({ 'r.drop_id': dropId, 'r.status': 'queued' })
        .select('r.fan_id', 'r.outbox_job_id', 'o.status', 'o.outcome')) as Array<{
        fan_id: number | string;
        outbox_job_id: number | string | null;
        status: string | null;
        outcome: string | null;
      }>;
      const unqueued = await jobsByKey(db, dropId, rows);
      const running = await db('drops').where({ id: dropId, status: 'running' }).first('id');
      const moves = new Map<RecipientStatus, number[]>();
      for (const row of rows) {
        const job = row.outbox_job_id === null ? unqueued.get(toInt(row.fan_id)) : row;
        const next = !job
          ? running
            ? 'pending'
            : 'cancelled'
          : job.status === null
            ? 'failed'
            : recipientOutcome({ status: job.status, outcome: job.outcome });
        if (next === null) continue;
        const list = moves.get(next) ?? [];
        list.push(toInt(row.fan_id));
        moves.set(next, list);
      }
      for (const [status, fanIds] of moves) {
        for (let i = 0; i < fanIds.length; i += 500) {
          await db('drop_recipients')
            .where({ drop_id: dropId, status: 'queued' })
            .whereIn('fan_id', fanIds.slice(i, i + 500))
            .update({ status });
        }
      }
    },
    async claimPending(dropId, limit) {
      const rows = (await db('drop_recipients')
        .where({ drop_id: dropId, status: 'pending' })
        .orderBy('fan_id')
        .limit(limit)
        .select('fan_id')) as Array<{ fan_id: number | string }>;
      const fanIds = rows.map((r) => toInt(r.fan_id));
      if (fanIds.length === 0) return [];
      await db('drop_recipients')
        .where({ drop_id: dropId, status: 'pending' })
        .whereIn('fan_id', fanIds)
        .whereExists(db('drops').select(db.raw('1')).where({ id: dropId, status: 'running' }))
        .update({ status: 'queued', outbox_job_id: null });
      const claimed = (await db('drop_recipients')
        .where({ drop_id: dropId, status: 'queued' })
        .whereNull('outbox_job_id')
        .whereIn('fan_id', fanIds)
        .select('fan_id')) as Array<{ fan_id: number | string }>;
      return claimed.map((r) => toInt(r.fan_id)).sort((a, b) => a - b);
    },
    async markQueued(dropId, fanId, jobId) {
      await db('drop_recipients')
        .where({ drop_id: dropId, fan_id: fanId, status: 'queued' })
        .update({ outbox_job_id: jobId });
    },
    async counts(dropId) {
      const rows = (await db('drop_recipients')
        .where({ drop_id: dropId })
        .groupBy('status')
        .select('status')
        .count({ n: '*' })) as Array<{ status: RecipientStatus; n: number | string }>;
      const counts: DropCounts = {
        total: 0,
        pending: 0,
        queued: 0,
        sent: 0,
        blocked: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const row of rows) {
        counts[row.status] = toInt(row.n);
        counts.total += toInt(row.n);
      }
      return counts;
    },
    async cancel(dropId) {
      return db.transaction(async (trx) => {
        const changed = await trx('drops')
          .where({ id: dropId, status: 'running' })
          .whereNull('finished_at_ms')
          .update({ status: 'cancelled' });
        if (changed === 0) return false;
        // Teasers still waiting in the outbox are withdrawn (a claimed one may be on the wire).
        await trx('outbox')
          .where('status', 'pending')
          .whereIn(
            'id',
            trx('drop_recipients')
              .where({ drop_id: dropId, status: 'queued' })
              .whereNotNull('outbox_job_id')
              .select('outbox_job_id'),
          )
          .update({ status: 'dead', outcome: DROP_WITHDRAWN, updated_at: new Date() });
        await trx('drop_recipients')
          .where({ drop_id: dropId, status: 'pending' })
          .update({ status: 'cancelled' });
        return true;
      });
    },
  };
}

export function createDropStore(db: Knex): DbDropStore {
  return { ...itemQueries(db), ...dropRows(db), ...recipientRows(db) };
}
