/**
 * Drops (issue 18): the persistence port (implemented over knex in
 * src/adapters/db/drop-store.ts) and the teaser port (the vault's "send item X's teaser to
 * fan Y once per key").
 */
import type { DropSegment } from './segment.js';

export type DropStatus = 'running' | 'done' | 'cancelled';

/** Where one fan of a drop stands. */
export type RecipientStatus = 'pending' | 'queued' | 'sent' | 'blocked' | 'failed' | 'cancelled';

export interface Drop {
  id: number;
  itemId: number;
  segment: DropSegment;
  status: DropStatus;
  createdBy: number;
  /** The admin group and topic its progress message is posted in. */
  chatId: number;
  threadId: number | null;
  progressMessageId: number | null;
  /** Edits of the progress message queued so far. */
  progressEdits: number;
  /** Settled fans the progress message shows. */
  progressShown: number;
  progressEditedAt: Date;
  total: number;
  createdAt: Date;
  /** Set once, when its summary is queued (the drop is then closed). */
  finishedAt: Date | null;
}

export type DropCounts = Record<RecipientStatus, number> & { total: number };

/** What the fans of a drop did with its item since it started. */
export interface DropResults {
  unlocked: number;
  /** Credits spent on the item's unlocks by the drop's fans. */
  revenueCredits: number;
  /** Money paid for it (Stripe unlocks, net of refunds), in `currency`'s minor units. */
  moneyCents: number;
  currency: string | null;
  /** Stars paid for it (Telegram paid media). */
  stars: number;
}

/** A vault item as a drop needs it. */
export interface DropItem {
  id: number;
  title: string;
  priceCredits: number;
  active: boolean;
}

/** The audience a segment has now. */
export interface Audience {
  /** Fans who get the teaser. */
  fans: number;
  /** Of them, fans known to have blocked the bot: counted blocked, not sent. */
  blocked: number;
}

export interface NewDrop {
  itemId: number;
  segment: DropSegment;
  createdBy: number;
  chatId: number;
  threadId: number | null;
  now: Date;
}

export interface DropStore {
  item(id: number): Promise<DropItem | null>;
  /** Active vault items, newest first. */
  items(offset: number, limit: number): Promise<{ items: DropItem[]; total: number }>;
  audience(itemId: number, segment: DropSegment, now: Date): Promise<Audience>;
  /** Stores the drop and its audience (fixed now; known-blocked fans already `blocked`). */
  create(input: NewDrop): Promise<Drop>;
  get(id: number): Promise<Drop | null>;
  /** Drops not closed yet (running, or cancelled without their summary), oldest first. */
  open(): Promise<Drop[]>;
  /** Recent drops, newest first. */
  recent(limit: number): Promise<Drop[]>;
  /**
   * Moves `queued` fans whose teaser job ended to `sent`, `blocked`, `failed` or `cancelled`;
   * a fan queued without a job (a crash between the two) is pending again — its teaser's key
   * finds the job if it was made.
   */
  settle(dropId: number): Promise<void>;
  /** Moves up to `limit` pending fans to `queued`, in order, while the drop runs. */
  claimPending(dropId: number, limit: number): Promise<number[]>;
  /** The fan's teaser is in the outbox as `jobId`. */
  markQueued(dropId: number, fanId: number, jobId: number): Promise<void>;
  counts(dropId: number): Promise<DropCounts>;
  /**
   * running → cancelled (one caller wins): pending fans and fans whose teaser has not left
   * the outbox yet are `cancelled`, their jobs withdrawn.
   */
  cancel(dropId: number): Promise<boolean>;
  /** Closes the drop (running → done; cancelled stays): true for exactly one caller. */
  close(dropId: number, now: Date): Promise<boolean>;
  /**
   * The progress message's id once Telegram gave it one (read from its outbox job);
   * `waiting` while its job has not left, null when it never will.
   */
  progressMessageId(drop: Drop): Promise<number | null | 'waiting'>;
  /**
   * Takes edit number `edits + 1` of the progress message (one caller wins), unless the
   * previous edit is still waiting in the outbox.
   */
  claimEdit(dropId: number, edits: number, shown: number, now: Date): Promise<boolean>;
  results(drop: Drop): Promise<DropResults>;
}

/** The vault's teaser, sent durably: one outbox job per key, whatever the retries. */
export interface DropTeasers {
  /**
   * Queues item `itemId`'s teaser for `fanId` once per `key`; returns its outbox job id, or
   * null when the item can no longer be sent (archived, gone).
   */
  send(fanId: number, itemId: number, key: string): Promise<number | null>;
}

/** The teaser's key for one fan of one drop (also its outbox dedupe key). */
export function dropTeaserKey(dropId: number, fanId: number): string {
  return `drop:${dropId}:${fanId}`;
}

/** The outcome of a teaser job withdrawn from the outbox by a cancel (never attempted). */
export const DROP_WITHDRAWN = 'withdrawn';

/** What an ended outbox job means for its fan (null: not ended yet). */
export function recipientOutcome(job: {
  status: string;
  outcome: string | null;
}): RecipientStatus | null {
  if (job.status === 'sent') return 'sent';
  if (job.status === 'pending' || job.status === 'sending') return null;
  if (job.outcome === 'blocked') return 'blocked';
  if (job.outcome === DROP_WITHDRAWN) return 'cancelled';
  return 'failed';
}
