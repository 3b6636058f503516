/**
 * The drop use cases: the audience of a segment, starting a drop, cancelling it, and the
 * step a runner repeats while drops are open. Pacing is the outbox's: a drop keeps at most
 * `window` teasers in the outbox at a time (lowest priority, one private-chat lane per fan),
 * so the sender's limits (about 30 messages/s overall, 1/s per chat) pace it and fans'
 * conversations go first. Everything is persisted: a restarted process resumes where the
 * rows say, and the teaser's key `drop:<drop>:<fan>` makes a fan's teaser one outbox job.
 */
import type { Translate } from '../templates.js';
import type { NewOutboxJob, OutboxStore } from '../traffic/outbox.js';
import { progressEdit, progressPost } from './jobs.js';
import {
  dropTeaserKey,
  type Audience,
  type Drop,
  type DropCounts,
  type DropStore,
  type DropTeasers,
} from './ports.js';
import type { DropSegment } from './segment.js';
import {
  doneCount,
  progressText,
  segmentLabel,
  summaryText,
  type DropTextContext,
} from './texts.js';

export interface DropEngineDeps {
  store: DropStore;
  teasers: DropTeasers;
  outbox: Pick<OutboxStore, 'enqueue'>;
  wakeOutbox(): void;
  /** The team's language. */
  texts: Translate;
  /** An amount in the install's currency, as the team reads it. */
  money(cents: number): string;
  now(): Date;
  /** Teasers of one drop waiting in the outbox at once. */
  window: number;
  /** Real milliseconds between two edits of a progress message (the group's budget). */
  progressEveryMs: number;
  /** Called when a drop starts (wakes the runner). */
  onStarted?(): void;
}

export type StartDropResult =
  { ok: true; drop: Drop } | { ok: false; reason: 'unknown_item' | 'empty' };

export type CancelDropResult = 'cancelled' | 'not_running' | 'unknown';

async function textContext(deps: DropEngineDeps, drop: Drop): Promise<DropTextContext> {
  return {
    t: deps.texts,
    drop,
    item: await deps.store.item(drop.itemId),
    segment: segmentLabel(deps.texts, drop.segment, deps.money),
  };
}

/** Feeds the outbox up to the window. */
async function feed(deps: DropEngineDeps, drop: Drop, counts: DropCounts): Promise<DropCounts> {
  const { store } = deps;
  const room = deps.window - counts.queued;
  if (room <= 0 || counts.pending === 0) return counts;
  const fans = await store.claimPending(drop.id, room);
  for (const fanId of fans) {
    const jobId = await deps.teasers.send(fanId, drop.itemId, dropTeaserKey(drop.id, fanId));
    // The item was archived meanwhile: the drop stops, like a cancel.
    if (jobId === null) {
      await store.cancel(drop.id);
      return store.counts(drop.id);
    }
    await store.markQueued(drop.id, fanId, jobId);
  }
  if (fans.length > 0) deps.wakeOutbox();
  return { ...counts, pending: counts.pending - fans.length, queued: counts.queued + fans.length };
}

/** Builds the drop use cases over their ports. */
export function createDropEngine(deps: DropEngineDeps) {
  const { store } = deps;
  const label = (segment: DropSegment) => segmentLabel(deps.texts, segment, deps.money);
  const context = (drop: Drop) => textContext(deps, drop);

  /** Edits the progress message when its figure changed and the last edit is old enough. */
  async function showProgress(drop: Drop, counts: DropCounts): Promise<void> {
    const now = deps.now();
    if (now.getTime() - drop.progressEditedAt.getTime() < deps.progressEveryMs) return;
    const messageId = await store.progressMessageId(drop);
    if (typeof messageId !== 'number') return;
    const shown = doneCount(counts);
    if (shown === drop.progressShown) return;
    if (!(await store.claimEdit(drop.id, drop.progressEdits, shown, now))) return;
    const text = progressText(await context(drop), counts);
    const key = `drop_progress:${drop.id}:${drop.progressEdits + 1}`;
    await deps.outbox.enqueue([progressEdit(deps.texts, drop, messageId, text, key, true)]);
    deps.wakeOutbox();
  }

  /** Closes a drop with nothing left in flight: the last edit and the summary, once. */
  async function closeIfDone(drop: Drop, counts: DropCounts): Promise<boolean> {
    if (counts.queued > 0 || (drop.status === 'running' && counts.pending > 0)) return false;
    // The last state replaces the progress message: it must be out first.
    const messageId = await store.progressMessageId(drop);
    if (messageId === 'waiting') return false;
    if (!(await store.close(drop.id, deps.now()))) return false;
    const closed = (await store.get(drop.id)) ?? drop;
    const text = summaryText(await context(closed), counts, await store.results(closed));
    const jobs: NewOutboxJob[] = [];
    if (messageId !== null) {
      jobs.push(
        progressEdit(deps.texts, closed, messageId, text, `drop_progress:${drop.id}:final`, false),
      );
    }
    jobs.push({
      ...progressPost(deps.texts, closed, text, false),
      dedupeKey: `drop_summary:${drop.id}`,
    });
    await deps.outbox.enqueue(jobs);
    deps.wakeOutbox();
    return true;
  }

  return {
    segmentLabel: label,

    /** How many fans a segment reaches now (shown before the admin confirms). */
    audience(itemId: number, segment: DropSegment): Promise<Audience> {
      return store.audience(itemId, segment, deps.now());
    },

    items: store.items.bind(store),
    item: store.item.bind(store),
    recent: store.recent.bind(store),
    counts: store.counts.bind(store),
    results: store.results.bind(store),

    /** Starts a drop: its audience fixed, its progress message queued, the runner woken. */
    async start(input: {
      itemId: number;
      segment: DropSegment;
      createdBy: number;
      chatId: number;
      threadId: number | null;
    }): Promise<StartDropResult> {
      const item = await store.item(input.itemId);
      if (!item?.active) return { ok: false, reason: 'unknown_item' };
      const drop = await store.create({ ...input, now: deps.now() });
      if (drop.total === 0) {
        await store.close(drop.id, deps.now());
        return { ok: false, reason: 'empty' };
      }
      const counts = await store.counts(drop.id);
      await deps.outbox.enqueue([
        progressPost(deps.texts, drop, progressText(await context(drop), counts), true),
      ]);
      deps.wakeOutbox();
      deps.onStarted?.();
      return { ok: true, drop };
    },

    /** Stops a running drop: nobody else gets its teaser; the summary follows. */
    async cancel(dropId: number): Promise<CancelDropResult> {
      const drop = await store.get(dropId);
      if (!drop) return 'unknown';
      if (!(await store.cancel(dropId))) return 'not_running';
      deps.onStarted?.();
      return 'cancelled';
    },

    /** One round over every open drop; true while some remain open. */
    async step(): Promise<boolean> {
      const open = await store.open();
      for (const drop of open) {
        await store.settle(drop.id);
        // One count per step: the feed adjusts it for the fans it queued.
        let counts = await store.counts(drop.id);
        if (drop.status === 'running') counts = await feed(deps, drop, counts);
        if (!(await closeIfDone(drop, counts))) await showProgress(drop, counts);
      }
      return open.length > 0;
    },
  };
}

export type DropEngine = ReturnType<typeof createDropEngine>;
