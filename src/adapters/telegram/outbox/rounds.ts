/**
 * When the outbox worker runs a claim round (issue 17: about one claim per relayed message).
 * A round runs when something may have become claimable here and now, and only then:
 *
 * - an enqueue announces its jobs (`OutboxStore.takeEnqueued` in process, the NOTIFY payload
 *   from other instances): a job whose lane is in flight here is claimed when that head
 *   settles (`Dispatch.more`), one not due yet sets the sleep's end, any other asks for a
 *   round — for its kind of chat only (a kind whose last claim found fewer heads than asked
 *   is skipped until then, `drained`);
 * - a settle asks for one only when its lane has more queued or the last round took all it
 *   asked for (a freed slot takes the next head);
 * - a requeue (retry, trimmed batch, recovery) or an announcement that does not list its jobs
 *   asks for one over every kind, and forgets the next due time;
 * - the clock: the next job not due yet came due, a budget frees, or the idle poll (the
 *   safety net).
 *
 * Wakes that come while a round runs are looked at once it has launched what it claimed,
 * and coalesce into one follow-up round.
 */
import { BoundedSet } from '../../../core/traffic/bounded-set.js';
import type { EnqueuedJob, OutboxStore } from '../../../core/traffic/outbox.js';
import type { Dispatch } from './deps.js';

/** What one round did, and what it says about when to look again. */
export interface Round {
  claimed: number;
  /** Until when the budget holds the work back (ms). */
  nextDelay: number;
  /** Every call slot is busy (or too few are free to be worth a claim). */
  full?: boolean;
  /** Took as many heads as it asked for: there may be more to claim at once. */
  limited?: boolean;
  /** Work may be due but held back by a budget, a pause or a chat's window. */
  held?: boolean;
}

export class Rounds {
  /** Something may be claimable now: the loop runs another round before it sleeps. */
  dirty = false;
  /** The last round took as many heads as it asked for (or could ask for none). */
  backlog = false;
  /**
   * Per kind of chat: the last claim for it found fewer heads than it asked for, and nothing
   * since may have brought claimable work there — the next round skips that claim (and, for
   * the groups, the shared budget's read).
   */
  readonly drained = { groups: false, privates: false };
  /** Counts `markWork` calls: a claim's "drained" holds only if none came while it ran. */
  private workSeq = 0;
  /** Job ids claimed here lately: their announcement (a NOTIFY after the claim) is old news. */
  readonly claimedIds = new BoundedSet<number>(10_000);
  /**
   * When the earliest pending job that was not due yet becomes due (epoch ms) as last looked
   * up, lowered by jobs announced since; null: none; undefined: unknown (look it up).
   */
  private nextFuture: number | null | undefined;
  /** The earliest due time announced while `nextFuture` was being looked up. */
  private noteMin = Infinity;
  /** Counts what made `nextFuture` unknown (a look-up that raced one is not kept). */
  private futureEpoch = 0;
  /** A round runs: announcements wait until it has launched what it claimed. */
  private ticking = false;
  private deferred: Array<readonly EnqueuedJob[] | undefined> = [];
  private wakeUp: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private sleepUntil = 0;

  /** When a round last claimed for every kind of chat (epoch ms). */
  private lookedEverywhere = 0;

  constructor(
    private readonly inflight: ReadonlySet<Dispatch>,
    private readonly running: () => boolean,
    /** The safety net: a round claims for every kind at least this often while busy. */
    private readonly idlePollMs: number,
  ) {}

  /** A (re)start: nothing is known of the queue. */
  reset(): void {
    this.deferred = [];
    this.forgetFuture();
    this.markWork();
  }

  /**
   * Jobs were enqueued (here, or NOTIFYed by another instance): `jobs` when announced one by
   * one, undefined when not (then whatever is in flight may have work behind it, and a round
   * looks at every kind of chat).
   */
  announce(jobs: readonly EnqueuedJob[] | undefined): void {
    if (!this.running()) return;
    if (this.ticking) {
      // Its claims are not launched yet: which lanes are in flight is known after it.
      this.deferred.push(jobs);
      return;
    }
    if (!jobs) {
      this.requeued();
      return;
    }
    const now = Date.now();
    for (const job of jobs) {
      if (this.claimedIds.has(job.id)) continue;
      if (job.dueAt > now) {
        this.noteFuture(job.dueAt);
        continue;
      }
      // Its lane's head is in flight here: that head's settle claims it.
      const head = this.inflightLane(job.lane);
      if (head) head.more = true;
      else {
        this.markWork(job.chatId);
        this.request();
      }
    }
  }

  /** Jobs went back to the queue, or came unannounced: look at everything again. */
  requeued(): void {
    this.forgetFuture();
    this.markWork();
    for (const d of this.inflight) d.more = true;
    this.request();
  }

  /** A call settled (it left the in-flight set): a round if it may have freed work. */
  settled(dispatch: Dispatch): void {
    if (dispatch.more) this.markWork(dispatch.chatId);
    if (dispatch.more || this.backlog) this.request();
  }

  /** A round must run: now if the loop sleeps, else right after the one running. */
  request(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  /** Ends the sleep (shutdown). */
  interrupt(): void {
    this.wakeUp?.();
  }

  /** Work may be claimable for `chatId`'s kind of chat (any kind when not given). */
  markWork(chatId?: number): void {
    this.workSeq++;
    if (chatId === undefined || chatId < 0) this.drained.groups = false;
    if (chatId === undefined || chatId > 0) this.drained.privates = false;
  }

  /** A mark to pass to `claimedFewer` (taken before a claim starts). */
  get mark(): number {
    return this.workSeq;
  }

  /**
   * A claim that started at `mark` found fewer heads than it asked for, per kind: that kind
   * is drained — unless work was marked meanwhile (a settle, a requeue while it ran).
   */
  claimedFewer(drained: { groups: boolean; privates: boolean }, mark: number): void {
    if (mark !== this.workSeq) return;
    if (drained.groups) this.drained.groups = true;
    if (drained.privates) this.drained.privates = true;
  }

  /** Runs `round`; what was announced meanwhile is looked at once it is done. */
  async run<T>(round: () => Promise<T>): Promise<T> {
    this.dirty = false;
    const now = Date.now();
    // A job that was not due came due: it may be of either kind. And the safety net: as
    // often as the idle poll, whatever keeps waking the loop.
    if (this.nextFuture != null && this.nextFuture <= now) this.markWork();
    if (now - this.lookedEverywhere >= this.idlePollMs) this.markWork();
    if (!this.drained.groups && !this.drained.privates) this.lookedEverywhere = now;
    this.ticking = true;
    try {
      return await round();
    } finally {
      this.ticking = false;
      for (const jobs of this.deferred.splice(0)) this.announce(jobs);
    }
  }

  /**
   * Until the next pending job not due yet becomes due (ms, at most `idlePollMs`), looked
   * up (`nextDueAt(after now)`) only when not known.
   */
  async untilNextDue(store: Pick<OutboxStore, 'nextDueAt'>, idlePollMs: number): Promise<number> {
    let now = Date.now();
    if (this.nextFuture === undefined || (this.nextFuture !== null && this.nextFuture <= now)) {
      this.noteMin = Infinity;
      const epoch = this.futureEpoch;
      const due = await store.nextDueAt(new Date(now));
      const at = Math.min(due?.getTime() ?? Infinity, this.noteMin);
      // Jobs went back to the queue meanwhile: their due times are unknown (a round follows).
      if (epoch !== this.futureEpoch) return 0;
      this.nextFuture = at === Infinity ? null : at;
      now = Date.now();
    }
    if (this.nextFuture === null) return idlePollMs;
    return Math.min(idlePollMs, Math.max(1, this.nextFuture - now));
  }

  /**
   * Sleeps up to `ms` (less when a job comes due sooner). A sleep the clock ended may find
   * work of any kind (a job came due, the safety net); one a request ended knows which.
   */
  async sleep(ms: number): Promise<void> {
    if (this.dirty && this.running()) return;
    const untilFuture = (this.nextFuture ?? Infinity) - Date.now();
    if (untilFuture > 0) ms = Math.min(ms, untilFuture);
    const requested = await new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(this.sleepTimer);
        this.sleepTimer = undefined;
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve(this.dirty);
      };
      this.sleepUntil = Date.now() + ms;
      this.sleepTimer = setTimeout(done, ms);
      this.wakeUp = done;
    });
    if (!requested) this.markWork();
  }

  private inflightLane(lane: string): Dispatch | undefined {
    for (const d of this.inflight) if (d.jobs[0]?.lane === lane) return d;
    return undefined;
  }

  private forgetFuture(): void {
    this.nextFuture = undefined;
    this.futureEpoch++;
  }

  /** A job becomes due at `at` (epoch ms): the sleep ends then at the latest. */
  private noteFuture(at: number): void {
    this.noteMin = Math.min(this.noteMin, at);
    if (this.nextFuture !== undefined && (this.nextFuture === null || at < this.nextFuture))
      this.nextFuture = at;
    const done = this.wakeUp;
    if (!done || at >= this.sleepUntil) return;
    clearTimeout(this.sleepTimer);
    this.sleepUntil = at;
    this.sleepTimer = setTimeout(done, Math.max(0, at - Date.now()));
  }
}

/**
 * `store` as the worker uses it, telling `onRequeue` after jobs went back to the queue (a
 * retry, a trimmed batch, recovery, a migrated chat): they may be claimable again, or due
 * later. Other methods are the store's own (looked up on each call).
 */
export function watchRequeues(store: OutboxStore, onRequeue: () => void): OutboxStore {
  const watched = new Set<PropertyKey>(['retry', 'recoverAbandoned', 'moveChat']);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (!watched.has(prop) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(
          target,
          args,
        )) as unknown;
        onRequeue();
        return result;
      };
    },
  });
}
