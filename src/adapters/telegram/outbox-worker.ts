/**
 * The outbox worker: claims lane heads the budget allows, sends them through the sender,
 * and applies the delivery policy to the outcome. See docs/architecture.md, "Delivery
 * guarantees", for the semantics; in short: delivered at least once when Telegram's answer
 * is known, never resent when it is not (unless the method is idempotent).
 *
 * The parts live in `./outbox/`: claiming and batching (`claims.ts`), the call a job becomes
 * (`call.ts`), delivery bookkeeping (`bookkeeping.ts`), one action per failure decision
 * (`failure-actions/`), and crash recovery (`recovery.ts`). This class only runs the loop.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { BoundedSet } from '../../core/traffic/bounded-set.js';
import type { OutboxJob } from '../../core/traffic/outbox.js';
import { BotApiError } from './bot-api.js';
import { finishUndelivered, ids, putBack, recordDelivery } from './outbox/bookkeeping.js';
import { callFor, openThread } from './outbox/call.js';
import {
  backgroundRetryMs,
  batchOf,
  claimLaneHeads,
  trimmable,
  yieldsToRelays,
  type Claimer,
} from './outbox/claims.js';
import { adminGroupsOf, type Dispatch, type OutboxWorkerDeps } from './outbox/deps.js';
import { handleFailure, type WorkerControls } from './outbox/failure-actions/index.js';
import { PersistedPauses, recoverAbandoned } from './outbox/recovery.js';
import { Rounds, watchRequeues, type Round } from './outbox/rounds.js';
import { ChatBusyError, sleep, type Slot } from './sender.js';

/** The shortest sleep between rounds while due jobs wait for budget or a busy lane. */
const MIN_IDLE_DELAY_MS = 10;
/**
 * The least time between two reads of an admin group's shared budget (what the other
 * instances sent) when a group window is shorter than a minute (tests, a benchmark lifting
 * Telegram's limits). The read only sizes a claim; each send's take is a compare-and-swap on
 * the row and never overspends, whatever this process last read.
 */
const MIN_GROUP_SYNC_MS = 100;

export type { OutboxWorkerDeps } from './outbox/deps.js';

/** A unique worker id: host, pid and a random suffix. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class OutboxWorker {
  readonly workerId: string;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  private readonly pauseRefreshMs: number;
  private readonly inflight = new Set<Dispatch>();
  private readonly claimer: Claimer;
  private readonly controls: WorkerControls;
  private readonly pauses: PersistedPauses;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  /** Aborted when the worker stops: what only waits (budget, a topic, a backoff) gives up. */
  private abort = new AbortController();
  private lastPauseRefresh = 0;
  private lastRecovery = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  /** When to run a claim round (see ./outbox/rounds.ts). */
  private readonly rounds: Rounds;

  private readonly deps: OutboxWorkerDeps;

  constructor(deps: OutboxWorkerDeps) {
    // Every requeue (a retry, a trimmed batch, recovery) may bring claimable work.
    this.deps = { ...deps, store: watchRequeues(deps.store, () => this.rounds?.requeued()) };
    deps = this.deps;
    this.workerId = deps.workerId ?? newWorkerId();
    this.concurrency = deps.concurrency ?? 8;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.idlePollMs = deps.idlePollMs ?? 250;
    this.pauseRefreshMs = deps.pauseRefreshMs ?? 5_000;
    this.rounds = new Rounds(this.inflight, () => this.running, this.idlePollMs);
    this.claimer = { deps, workerId: this.workerId, leaseMs: this.leaseMs };
    this.pauses = new PersistedPauses(deps);
    const currentSignal = () => this.abort.signal;
    this.controls = {
      random: deps.random ?? Math.random,
      recreatedFor: new BoundedSet<number>(10_000),
      get signal() {
        return currentSignal();
      },
      // A failure action changed what may be claimable: look at everything.
      wake: () => this.rounds.requeued(),
    };
  }

  /** Recovers what a crashed run left, loads persisted pauses, and starts the loop. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    await this.refreshPauses();
    await this.recover(this.deps.singleInstance);
    this.running = true;
    // What was enqueued before the start: the first round claims it (and looks up what is
    // not due yet).
    this.deps.store.takeEnqueued?.();
    this.rounds.reset();
    this.stopListening = await this.deps.store.onEnqueued((jobs) => this.rounds.announce(jobs));
    this.loopDone = this.loop();
    this.renewTimer = setInterval(
      () => void this.renewLeases(),
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  /**
   * Looks for work now (after an enqueue): for each job this process announced since (see
   * `OutboxStore.takeEnqueued`), a round only if it may be claimable here and now.
   */
  wake(): void {
    if (!this.running) {
      this.rounds.interrupt();
      return;
    }
    const taken = this.deps.store.takeEnqueued?.();
    // Postgres NOTIFYs every enqueue on commit, listing its jobs: nothing recorded means an
    // earlier wake took them (and a job it saw before its commit is announced again then).
    if (taken && !taken.unknown && taken.jobs.length === 0 && !this.deps.singleInstance) return;
    this.rounds.announce(taken && !taken.unknown && taken.jobs.length > 0 ? taken.jobs : undefined);
  }

  /** Jobs being sent right now. */
  get busy(): number {
    return this.inflight.size;
  }

  /**
   * Stops claiming and puts back at once every job that only waits (for the budget, its
   * topic, a backoff): they were never attempted. Calls already on the wire get up to
   * `graceMs` to be answered and written down; one that takes longer stays `sending` and is
   * recovered (as uncertain, unless idempotent) by the next start.
   */
  async stop(graceMs = 3_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort(new Error('shutdown'));
    this.wake();
    await this.loopDone;
    const settle = Promise.all([...this.inflight].map((d) => d.promise));
    const grace = new AbortController();
    await Promise.race([settle, sleep(graceMs, grace.signal).catch(() => {})]);
    // The grace timer must not keep the process alive once everything settled.
    grace.abort();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.stopListening?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay = this.idlePollMs;
      try {
        const round = await this.rounds.run(() => this.tick());
        // More may be claimable, or something arrived — after a turn of the event loop: on
        // SQLite rounds whose work settles without a call would follow one another in
        // microtasks and starve webhooks, timers and the answers of calls in flight.
        if (round.limited || this.rounds.dirty) {
          await eventLoopTurn();
          continue;
        }
        // Every call in flight that may free work wakes the loop when it settles.
        if (!round.full) delay = await this.idleDelay(round);
      } catch (err) {
        this.rounds.dirty = false;
        this.deps.logger.error({ err }, 'outbox worker round failed');
      }
      await this.rounds.sleep(delay);
    }
  }

  /**
   * How long to sleep after a round that took all it could: until the next pending job is
   * due (an album hold, a retry's backoff, a card refresh), never longer than `idlePollMs`.
   * An enqueue (here, or NOTIFYed by another instance) and a finished call that may have
   * freed work wake it earlier, so an idle worker costs nothing and a new job waits for
   * nothing. When work was held back (a budget, a pause, a chat's window), it looks again
   * when the budget frees.
   */
  private async idleDelay(round: Round): Promise<number> {
    if (round.held) {
      const due = await this.deps.store.nextDueAt();
      if (due === null) return this.idlePollMs;
      const untilDue = due.getTime() - Date.now();
      if (untilDue > 0) return Math.min(this.idlePollMs, untilDue);
      // Due but not claimable now (budget, paused chats): retry after the budget's delay.
      return Math.min(this.idlePollMs, Math.max(MIN_IDLE_DELAY_MS, round.nextDelay));
    }
    // Everything due and claimable was claimed; what is due behind a lane in flight here is
    // claimed when its head settles (`Dispatch.more`). Only jobs not due yet remain.
    return this.rounds.untilNextDue(this.deps.store, this.idlePollMs);
  }

  private async tick(): Promise<Round> {
    const started = this.deps.sender.clock();
    if (started - this.lastPauseRefresh >= this.pauseRefreshMs) await this.refreshPauses();
    if (!this.deps.singleInstance && started - this.lastRecovery >= this.leaseMs / 2)
      await this.recover(false);
    const free = this.concurrency - this.inflight.size;
    const scheduler = this.deps.sender.scheduler;
    // Claim in batches: one claim query per finished job would read the queue's front each time.
    const worthClaiming =
      this.inflight.size === 0 || free >= Math.max(1, Math.floor(this.concurrency / 4));
    if (free <= 0 || !worthClaiming) {
      // Whatever settles next frees a slot: it looks for work.
      this.rounds.backlog = true;
      return { claimed: 0, nextDelay: this.idlePollMs, full: true };
    }
    // What the other instances sent into each admin group counts before claiming for it
    // (read only when this round claims for the groups).
    const groups = adminGroupsOf(this.deps);
    const drained = this.rounds.drained;
    const kinds = { groups: !drained.groups, privates: !drained.privates };
    if (!kinds.groups && !kinds.privates) return { claimed: 0, nextDelay: this.idlePollMs };
    const windowMs = scheduler.rules.group.windowMs;
    if (kinds.groups)
      for (const group of groups)
        await this.deps.sender.syncGroup(group, Math.max(windowMs / 60, MIN_GROUP_SYNC_MS));
    const now = this.deps.sender.clock();
    // Budget is taken right before each call; here only claim what the budget can take soon.
    const waiting = [...this.inflight].filter((d) => !d.acquired);
    const globalRoom = scheduler.globalCapacity(now) - waiting.length;
    if (globalRoom <= 0) {
      this.rounds.backlog = true;
      return { claimed: 0, nextDelay: Math.max(1, scheduler.globalDelay(now)), held: true };
    }
    const limit = Math.min(free, globalRoom);
    const mark = this.rounds.mark;
    const claimed = await claimLaneHeads(this.claimer, now, limit, waiting, kinds);
    this.rounds.claimedFewer(claimed.drained, mark);
    for (const job of claimed.jobs) {
      this.rounds.claimedIds.add(job.id);
      this.launch(job);
    }
    this.rounds.backlog = claimed.limited;
    const nextDelay = Math.min(
      this.idlePollMs,
      ...groups.map((group) =>
        scheduler.isPaused(group, now)
          ? this.idlePollMs
          : Math.max(1, scheduler.chatDelay(group, now)),
      ),
    );
    return {
      claimed: claimed.jobs.length,
      nextDelay,
      limited: claimed.limited,
      held: claimed.held || claimed.excluded,
    };
  }

  /** Starts sending a claimed lane head; it counts as in flight until it settles. */
  private launch(job: OutboxJob): void {
    const dispatch: Dispatch = {
      jobs: [job],
      chatId: job.target.chatId,
      acquired: false,
      more: job.laneHasMore ?? true,
      promise: Promise.resolve(),
    };
    dispatch.promise = this.dispatch(job, dispatch)
      .catch((err: unknown) =>
        this.deps.logger.error({ err, jobId: job.id }, 'outbox dispatch crashed'),
      )
      .finally(() => {
        this.inflight.delete(dispatch);
        // SQLite: jobs enqueued meanwhile by what did not wake the worker are seen now (its
        // one connection runs the claim after their commit). Postgres NOTIFYs them on commit.
        if (this.deps.singleInstance) {
          const taken = this.deps.store.takeEnqueued?.();
          if (taken?.unknown || (taken && taken.jobs.length > 0))
            this.rounds.announce(taken.unknown ? undefined : taken.jobs);
        }
        // A new claim only when this settle may have freed work: its lane has more queued,
        // or the last round took all it asked for (a freed slot takes the next head).
        this.rounds.settled(dispatch);
      });
    this.inflight.add(dispatch);
  }

  private async dispatch(head: OutboxJob, dispatch: Dispatch): Promise<void> {
    let jobs = [head];
    const chatId = head.target.chatId;
    const sender = this.deps.sender;
    let threadId: number | undefined;
    let method = head.method;
    let params: Record<string, unknown>;
    let slot: Slot | undefined;
    /** Claimed for the batch, left out when it was trimmed, not yet back in the queue. */
    let trimmed: OutboxJob[] = [];
    try {
      if (await yieldsToRelays(this.deps.store, head)) {
        dispatch.acquired = true;
        const retryMs = backgroundRetryMs(sender.scheduler.rules.group.windowMs);
        await putBack(this.deps.store, jobs, 'waits for the relays queued for the group', retryMs);
        return;
      }
      jobs = await batchOf(this.claimer, head);
      dispatch.jobs = jobs;
      for (const job of jobs) this.rounds.claimedIds.add(job.id);
      const thread = await openThread(this.deps, head, this.abort.signal);
      threadId = thread.threadId;
      if (thread.shownByCard && jobs.length === 1) {
        // A first sale's note: the card that opened the topic shows it; nothing to send.
        dispatch.acquired = true;
        await this.deps.store.markSent(ids(jobs), [null]);
        return;
      }
      if (head.target.type === 'chat' && chatId > 0 && (await this.deps.fans.isBlocked(chatId))) {
        dispatch.acquired = true;
        await finishUndelivered(this.deps, jobs, 'failed', 'blocked', 'fan has blocked the bot');
        return;
      }
      ({ method, params } = callFor(jobs, threadId));
      const cost = Math.max(1, sender.costOf(method, params));
      slot = await sender.acquire(chatId, cost, {
        signal: this.abort.signal,
        maxWaitMs: sender.scheduler.rules.group.windowMs * 2,
        // A batch of copies is trimmed to the budget left when it is taken (an album never).
        min: trimmable(jobs, cost) ? 1 : cost,
      });
      dispatch.acquired = true;
      if (slot && slot.cost < cost) {
        trimmed = jobs.slice(slot.cost);
        jobs = jobs.slice(0, slot.cost);
        dispatch.jobs = jobs;
        ({ method, params } = callFor(jobs, threadId));
        await putBack(this.deps.store, trimmed, 'trimmed to the group budget');
        trimmed = [];
      }
      await this.deps.store.markAttempt(ids(jobs), this.workerId);
    } catch (err) {
      dispatch.acquired = true;
      // Taken but never sent: the budget goes back.
      if (slot) sender.release(slot, true);
      if (err instanceof BotApiError) return this.handleFailure(jobs, method, threadId, err);
      // Budget, shutdown, or a database hiccup: not attempted, so it goes back as it was.
      if (!(err instanceof ChatBusyError) && this.running) {
        this.deps.logger.error({ err, jobId: head.id }, 'outbox job could not be prepared');
      }
      await putBack(
        this.deps.store,
        [...jobs, ...trimmed],
        err instanceof Error ? err.message : 'not prepared',
        err instanceof ChatBusyError || !this.running ? 0 : 1000,
      );
      return;
    }
    let result: unknown;
    try {
      result = await sender.attempt(method, params, chatId, slot);
    } catch (err) {
      const error =
        err instanceof BotApiError
          ? err
          : new BotApiError(method, { type: 'network', sent: 'maybe', reason: String(err) });
      return this.handleFailure(jobs, method, threadId, error);
    }
    await recordDelivery(this.deps, jobs, result);
  }

  private handleFailure(
    jobs: OutboxJob[],
    method: string,
    threadId: number | undefined,
    error: BotApiError,
  ): Promise<void> {
    return handleFailure(this.deps, this.controls, { jobs, method, threadId, error });
  }

  private async refreshPauses(): Promise<void> {
    this.lastPauseRefresh = this.deps.sender.clock();
    await this.pauses.reload();
  }

  private async recover(all: boolean): Promise<void> {
    this.lastRecovery = this.deps.sender.clock();
    await recoverAbandoned(this.deps, all);
  }

  private async renewLeases(): Promise<void> {
    const jobIds = [...this.inflight].flatMap((d) => ids(d.jobs));
    if (jobIds.length === 0) return;
    try {
      await this.deps.store.renew(jobIds, this.workerId, this.leaseMs);
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not renew outbox leases');
    }
  }
}
