/**
 * The outbox: every message the bot sends is a job. Jobs of one *lane* (a private chat, or
 * one fan's topic in a group) are sent strictly in order; lanes are independent, so a
 * paused group never holds up private chats. This module holds the job model, the port
 * the database implements, and the priority and batching policy.
 */

/** Kinds of outgoing work; the kind names the business reason, the method the Bot API call. */
export type OutboxKind =
  /** A fan's message copied into their topic. */
  | 'relay.fan'
  /** A team answer copied from a topic to the fan. */
  | 'relay.team'
  /** A payment / credits notice to a fan. */
  | 'notice.payment'
  /** A notice for the team in a fan's topic (blocked, topic recreated…). */
  | 'notice.topic'
  /**
   * A sale note in a fan's topic: not sent when it is what opens the topic, whose card then
   * shows the purchase (issue 20: a paying new fan costs the topic and the card).
   */
  | 'notice.sale'
  /** A message to a fan that is not a relay (help, errors). */
  | 'notice.fan'
  /** An operational alert for the admins. */
  | 'alert'
  | (string & {});

/** Where a job goes. `topic` means "the fan's topic", resolved (or created) when it is sent. */
export type OutboxTarget =
  | { type: 'chat'; chatId: number; threadId?: number }
  | { type: 'topic'; chatId: number; fanId: number };

/** What a feature asks for. */
export interface NewOutboxJob {
  kind: OutboxKind;
  target: OutboxTarget;
  /** The Bot API method (sendMessage, copyMessage, …). */
  method: string;
  /** Its parameters, without chat_id / message_thread_id (set from the target). */
  params: Record<string, unknown>;
  /** Higher goes first when a chat's budget is the bottleneck (see PRIORITY). */
  priority?: number;
  /** Unique: enqueueing the same key twice creates one job (e.g. `relay:<update_id>`). */
  dedupeKey?: string;
  /** The fan the job is about (for blocked-fan handling and notices). */
  fanId?: number;
  /** Do not send before this time. */
  notBefore?: Date;
  /** The ledger key of the spend that paid for this relay: given back if it is never delivered. */
  spendKey?: string;
  /** A lane of its own instead of the target's (see `messageLane`). */
  lane?: string;
  /**
   * The album the copied message belongs to (`albumKey`): the album's jobs leave in one
   * copyMessages call, whatever their `notBefore`, so Telegram keeps the album.
   */
  albumKey?: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

/** Why a finished job ended where it did. */
export type OutboxOutcome =
  | 'delivered'
  /** The call may have reached Telegram; not resent (see delivery-policy.ts). */
  | 'uncertain'
  | 'blocked'
  | 'dropped'
  /** Too many failed attempts. */
  | 'gave_up';

/** A stored job. */
export interface OutboxJob {
  id: number;
  kind: string;
  lane: string;
  target: OutboxTarget;
  method: string;
  params: Record<string, unknown>;
  priority: number;
  dedupeKey: string | null;
  fanId: number | null;
  /** The ledger key of the spend that paid for this job (paid relays only). */
  spendKey: string | null;
  /** The album it copies an item of (see NewOutboxJob.albumKey). */
  albumKey: string | null;
  status: OutboxStatus;
  attempts: number;
  availableAt: Date;
  createdAt: Date;
  /**
   * Set by `claim` on the heads it returns: true when later jobs wait (pending or sending)
   * in the head's lane, false when nothing does (no follower to batch, nothing the head's
   * settle must claim next); undefined when the store does not say.
   */
  laneHasMore?: boolean;
}

/**
 * A job as its enqueue announced it (in process, and in the NOTIFY payload on Postgres): a
 * worker that knows the lane and when the job is due need not look for it when its lane is
 * already in flight there, nor when it is not due yet.
 */
export interface EnqueuedJob {
  id: number;
  /** Its chat: a group (< 0) or a private chat (> 0), which say what claims it. */
  chatId: number;
  lane: string;
  /** When it may be sent (epoch ms). */
  dueAt: number;
}

/** What was enqueued in this process since the last look (`OutboxStore.takeEnqueued`). */
export interface EnqueuedSince {
  jobs: EnqueuedJob[];
  /** Something was enqueued that was not announced job by job: look at the whole queue. */
  unknown: boolean;
}

/** What a worker may claim in one round. */
export interface ClaimRequest {
  workerId: string;
  /** Lease length; a job still `sending` after it belongs to a crashed worker. */
  leaseMs: number;
  limit: number;
  /** Chats that must not be claimed now (paused or out of budget). */
  excludeChatIds: readonly number[];
  /** Only private chats (true), only groups (false), or both (undefined). */
  privateChats?: boolean;
}

/** How a failed job goes back to the queue. */
export interface RetryUpdate {
  /** Count this as a failed attempt (not for 429s or topic recreation). */
  countAttempt: boolean;
  availableAt: Date;
  error: string;
}

/** The persistence port of the outbox (implemented over knex in src/adapters/db). */
export interface OutboxStore {
  /** Persists jobs; returns their ids (an existing job's id when the dedupe key was used). */
  enqueue(jobs: readonly NewOutboxJob[]): Promise<number[]>;
  /**
   * Claims the oldest unsent job of up to `limit` lanes (one per lane, FOR UPDATE SKIP
   * LOCKED on Postgres), highest priority first, marking them `sending` under a lease.
   */
  claim(request: ClaimRequest): Promise<OutboxJob[]>;
  /** Claims the jobs that directly follow `head` in its lane (for batching), in order. */
  claimFollowers(
    head: OutboxJob,
    workerId: string,
    leaseMs: number,
    max: number,
  ): Promise<OutboxJob[]>;
  /**
   * Claims the other pending jobs of `head`'s album in its lane (any `notBefore`: the album
   * leaves when its first item is due), in lane order.
   */
  claimAlbum(head: OutboxJob, workerId: string, leaseMs: number): Promise<OutboxJob[]>;
  /**
   * True when `head`'s chat has unsent jobs (pending or sending) above `head`'s priority in
   * other lanes, and nothing above it waits behind it in its own lane: background work for
   * a group waits while relays for it are queued (issue 20), never for its own lane's.
   */
  hasQueuedAbove?(head: OutboxJob): Promise<boolean>;
  /** Records that the call for these jobs is about to leave (an uncertain window opens). */
  markAttempt(ids: readonly number[], workerId: string): Promise<void>;
  /** The call succeeded. `messageIds[i]` is what Telegram returned for `ids[i]`, if any. */
  markSent(ids: readonly number[], messageIds: readonly (number | null)[]): Promise<void>;
  /** Back to pending (429, backoff, topic recreation, shutdown). */
  retry(ids: readonly number[], update: RetryUpdate): Promise<void>;
  /** Finished without delivery. */
  finish(
    ids: readonly number[],
    status: 'failed' | 'dead',
    outcome: OutboxOutcome,
    error: string,
  ): Promise<void>;
  /** Extends the lease of jobs still being worked on. */
  renew(ids: readonly number[], workerId: string, leaseMs: number): Promise<void>;
  /**
   * Crash recovery: `sending` jobs whose lease expired (or all of them, single-instance
   * startup). Claimed but never attempted → pending again; attempted → returned so the
   * worker applies the uncertain-outcome policy.
   */
  recoverAbandoned(options: {
    all: boolean;
  }): Promise<{ requeued: number; attempted: OutboxJob[] }>;
  /** Queue depth by status, for /metrics. */
  depth(): Promise<Record<OutboxStatus, number>>;
  /**
   * When the earliest pending job may be sent (null: nothing is pending); with `after`, the
   * earliest of those not due before then.
   */
  nextDueAt(after?: Date): Promise<Date | null>;
  /**
   * Calls `listener` when another process enqueued work (Postgres LISTEN/NOTIFY; a no-op
   * where one process is all there is), with the jobs announced (undefined when the
   * notification did not list them). Resolves to the function that stops listening.
   */
  onEnqueued(listener: (jobs?: readonly EnqueuedJob[]) => void): Promise<() => Promise<void>>;
  /**
   * The jobs enqueued in this process (through this database) since the last call, for the
   * worker woken after an enqueue; absent where the store does not record them.
   */
  takeEnqueued?(): EnqueuedSince;
  /**
   * Deletes finished jobs (sent, failed, dead) last updated before `before`, oldest first,
   * `chunk` rows (1,000) at most per statement; resolves to how many it deleted.
   */
  purgeFinished(before: Date, options?: { chunk?: number }): Promise<number>;
  /** Points pending jobs of a migrated group to its new id. */
  moveChat(oldChatId: number, newChatId: number): Promise<number>;
}

/** The lane of a target: strict FIFO inside it, independent from other lanes. */
export function laneOf(target: OutboxTarget): string {
  if (target.type === 'topic') return `${target.chatId}:fan:${target.fanId}`;
  if (target.chatId < 0) return `${target.chatId}:thread:${target.threadId ?? 0}`;
  return String(target.chatId);
}

/**
 * The lane of the edits of one message (a fan card): they keep their order among themselves
 * but do not queue behind the other work of the chat's lane (alerts, other cards).
 */
export function messageLane(chatId: number, messageId: number): string {
  return `${chatId}:message:${messageId}`;
}

/**
 * Priorities. Within a lane order is strict; across lanes of one budget (the admin group
 * above all) higher priority goes first, then the lane that waited longest (see claims):
 * alerts > payment notices > team answers > VIP > Regular > New fans' relays > notes in
 * topics (sales, team notes) > card edits and background work.
 */
export const PRIORITY = {
  alert: 100,
  payment: 80,
  teamAnswer: 60,
  vipFan: 40,
  payingFan: 30,
  fan: 20,
  /** Notes for the team in a fan's topic (a sale, an assignment…): after every relay. */
  note: 10,
  /** Card edits, lost-sale notes, topic titles: last. */
  background: 0,
} as const;

/** The relay priority of a fan by tier and paid status. */
export function fanPriority(fan: { tier?: string | null; hasPaid?: boolean }): number {
  if (fan.tier === 'vip') return PRIORITY.vipFan;
  if (fan.tier === 'regular' || fan.hasPaid) return PRIORITY.payingFan;
  return PRIORITY.fan;
}

/** Telegram's cap on message ids per copyMessages call. */
export const MAX_BATCH = 100;

/** True when a job is a plain copy that copyMessages can carry along with its neighbours. */
export function isBatchable(job: Pick<OutboxJob, 'method' | 'params'>): boolean {
  if (job.method !== 'copyMessage') return false;
  const extra = Object.keys(job.params).filter((k) => k !== 'from_chat_id' && k !== 'message_id');
  return extra.length === 0 && typeof job.params.message_id === 'number';
}

/**
 * The consecutive jobs after `head` that can ride in one copyMessages call with it: same
 * lane, plain copies from the same chat, strictly increasing message ids. An album's item
 * ends the run: an album leaves whole, in a call of its own (`albumBatch`).
 */
export function batchWith<
  T extends Pick<OutboxJob, 'method' | 'params' | 'lane'> & { albumKey?: string | null },
>(head: T, followers: readonly T[], max = MAX_BATCH): T[] {
  if (!isBatchable(head) || head.albumKey) return [];
  const batch: T[] = [];
  let lastId = head.params.message_id as number;
  for (const job of followers) {
    if (batch.length + 1 >= max) break;
    if (job.lane !== head.lane || !isBatchable(job) || job.albumKey) break;
    if (job.params.from_chat_id !== head.params.from_chat_id) break;
    const id = job.params.message_id as number;
    if (id <= lastId) break;
    batch.push(job);
    lastId = id;
  }
  return batch;
}

/** The key that ties the jobs of one album together: its chat and Telegram's media_group_id. */
export function albumKey(fromChatId: number, mediaGroupId: string): string {
  return `${fromChatId}:${mediaGroupId}`;
}

/** The call that carries several messages of one method at once. */
export const BATCH_METHODS: Readonly<Record<string, string>> = {
  copyMessage: 'copyMessages',
  forwardMessage: 'forwardMessages',
};

/**
 * The jobs of `head`'s album that leave in one call: the same method (copy or forward) from
 * the same chat, ordered by message id (Telegram wants them strictly increasing, and that is
 * the album's order). Per-item options such as a reply do not exist in copyMessages: an album
 * stays an album and loses the reply. Whatever cannot ride along is returned in `rest`.
 */
export function albumBatch<T extends Pick<OutboxJob, 'method' | 'params'>>(
  head: T,
  siblings: readonly T[],
): { batch: T[]; rest: T[] } {
  const fits = (job: T) =>
    job.method === head.method &&
    BATCH_METHODS[job.method] !== undefined &&
    job.params.from_chat_id === head.params.from_chat_id &&
    typeof job.params.message_id === 'number';
  if (!fits(head)) return { batch: [head], rest: [...siblings] };
  const seen = new Set<unknown>([head.params.message_id]);
  const batch = [head];
  const rest: T[] = [];
  for (const job of siblings) {
    if (!fits(job) || seen.has(job.params.message_id) || batch.length >= MAX_BATCH) {
      rest.push(job);
      continue;
    }
    seen.add(job.params.message_id);
    batch.push(job);
  }
  batch.sort((a, b) => (a.params.message_id as number) - (b.params.message_id as number));
  return { batch, rest };
}

/** What a probe found of a batch's source message after Telegram skipped some. */
export type SourceState = 'exists' | 'gone' | 'unknown';

/** What became of one job of a batch: delivered (with its copy's id when known) or skipped. */
export type BatchItemResult = { delivered: true; messageId: number | null } | { delivered: false };

/**
 * Matches a copyMessages/forwardMessages answer to the `count` jobs of its batch. Telegram
 * skips the sources it cannot copy (deleted meanwhile) and returns the other copies' ids in
 * source order. A full answer maps one to one; a short one needs `sources` (null until
 * probed). Only a source that is gone can have been skipped, so when exactly as many are gone
 * as ids are missing, those are the skipped ones and the rest took the ids in order. When
 * the gone ones do not account for the gap (one was deleted after it was copied, a probe
 * failed), which item arrived is unknown: every item counts as delivered, without its copy's
 * id — never a refund for a message the team may have, never a resend that may duplicate.
 */
export function matchBatchAnswer(
  count: number,
  returned: readonly (number | null)[],
  sources?: readonly SourceState[],
): BatchItemResult[] | null {
  if (returned.length === count)
    return returned.map((messageId) => ({ delivered: true, messageId }));
  if (!sources) return null;
  const gone = sources.filter((s) => s === 'gone').length;
  if (sources.length !== count || gone !== count - returned.length) {
    return Array.from({ length: count }, () => ({ delivered: true, messageId: null }));
  }
  let next = 0;
  return sources.map((s) =>
    s === 'gone' ? { delivered: false } : { delivered: true, messageId: returned[next++] ?? null },
  );
}

/**
 * Batching policy: batch only when the chat's budget is the bottleneck, i.e. the lane has
 * a backlog while its chat is out of immediate capacity, or it is a group (every group call
 * spends the scarce shared 20/min budget). Private chats with capacity get one call each, so
 * fans see messages exactly as the team sent them.
 */
export function shouldBatch(chatId: number, capacityNow: number): boolean {
  return chatId < 0 || capacityNow <= 1;
}
