/** `outbox` rows: written from a NewOutboxJob, read back as an OutboxJob. */
import {
  laneOf,
  type NewOutboxJob,
  type OutboxJob,
  type OutboxStatus,
  type OutboxTarget,
} from '../../../core/traffic/outbox.js';
import { toInt, toRequiredDate } from '../rows.js';

export interface OutboxRow {
  id: number;
  kind: string;
  chat_id: number | string;
  thread_id: number | null;
  fan_id: number | string | null;
  priority: number;
  payload: string;
  dedupe_key: string | null;
  spend_key: string | null;
  album_key: string | null;
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

/** The columns that hold what a job is (written once, when it is queued). */
const CONTENT_COLUMNS = [
  'kind',
  'chat_id',
  'thread_id',
  'fan_id',
  'priority',
  'payload',
  'dedupe_key',
  'spend_key',
  'album_key',
  'lane',
] as const;

/** The columns an OutboxJob is read from. */
export const COLUMNS = [
  'id',
  ...CONTENT_COLUMNS,
  'status',
  'attempts',
  'available_at',
  'created_at',
];

/** The columns a new job is inserted with. */
export interface NewRow {
  kind: string;
  chat_id: number;
  thread_id: number | null;
  fan_id: number | null;
  priority: number;
  payload: string;
  dedupe_key: string | null;
  spend_key: string | null;
  album_key: string | null;
  lane: string;
  available_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** NewRow's columns, in the order the inserts list them. */
export const NEW_ROW_COLUMNS = [
  ...CONTENT_COLUMNS,
  'available_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof NewRow>;

/** The row a new job is inserted as. */
export function toNewRow(job: NewOutboxJob): NewRow {
  const threadId = job.target.type === 'chat' ? (job.target.threadId ?? null) : null;
  const fanId = job.target.type === 'topic' ? job.target.fanId : (job.fanId ?? null);
  const payload: Payload = { method: job.method, params: job.params };
  if (job.target.type === 'topic') payload.toTopic = true;
  const now = new Date();
  return {
    kind: job.kind,
    chat_id: job.target.chatId,
    thread_id: threadId,
    fan_id: fanId,
    priority: job.priority ?? 0,
    payload: JSON.stringify(payload),
    dedupe_key: job.dedupeKey ?? null,
    spend_key: job.spendKey ?? null,
    album_key: job.albumKey ?? null,
    lane: job.lane ?? laneOf(job.target),
    available_at: job.notBefore ?? now,
    created_at: now,
    updated_at: now,
  };
}

/** A row as the job it describes. */
export function toJob(row: OutboxRow): OutboxJob {
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
    spendKey: row.spend_key,
    albumKey: row.album_key ?? null,
    status: row.status,
    attempts: toInt(row.attempts),
    availableAt: toRequiredDate(row.available_at),
    createdAt: toRequiredDate(row.created_at),
  };
}

/** Claim order: highest priority first, then the head due first (see claims.ts), then oldest. */
export function byPriority(a: OutboxJob, b: OutboxJob): number {
  return (
    b.priority - a.priority || a.availableAt.getTime() - b.availableAt.getTime() || a.id - b.id
  );
}
