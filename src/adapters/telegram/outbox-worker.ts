/**
 * The outbox worker: claims lane heads the budget allows, sends them through the sender,
 * and applies the delivery policy to the outcome. See docs/architecture.md, "Delivery
 * guarantees", for the semantics; in short: delivered at least once when Telegram's answer
 * is known, never resent when it is not (unless the method is idempotent).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import {
  IDEMPOTENT_METHODS,
  MAX_ATTEMPTS,
  backoffMs,
  decideFailure,
  DEFAULT_BACKOFF,
} from '../../core/traffic/delivery-policy.js';
import { simulatedSecondsToMs } from '../../core/traffic/limits.js';
import {
  MAX_BATCH,
  PRIORITY,
  batchWith,
  isBatchable,
  shouldBatch,
  type OutboxJob,
  type OutboxStore,
} from '../../core/traffic/outbox.js';
import type { FanDirectory, PauseStore } from '../../core/traffic/ports.js';
import type { Logger } from '../../core/logger.js';
import type { BackboneMetrics } from '../../core/metrics.js';
import type { AlertSink } from './alerts.js';
import { BotApiError } from './bot-api.js';
import { ChatBusyError, sleep, type Slot, type TelegramSender } from './sender.js';
import type { TopicManager } from './topics.js';

export interface OutboxWorkerDeps {
  store: OutboxStore;
  sender: TelegramSender;
  topics: TopicManager;
  fans: FanDirectory;
  pauses: PauseStore;
  alerts: AlertSink;
  logger: Logger;
  metrics: BackboneMetrics;
  adminChatId: number;
  /** SQLite: the only instance, so every `sending` row at startup is orphaned. */
  singleInstance: boolean;
  workerId?: string;
  /** Calls in flight at once (different lanes). */
  concurrency?: number;
  /** A claimed job not finished after this long is recovered by another worker. */
  leaseMs?: number;
  /** How often to look for work when nothing woke the worker. */
  idlePollMs?: number;
  /** How often persisted pauses (from other instances) are reloaded. */
  pauseRefreshMs?: number;
  random?: () => number;
  /**
   * Told after jobs were delivered, with the message id Telegram returned for each (relay
   * links, receipts). Runs after markSent; its failures are logged and change nothing.
   */
  onDelivered?: (
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ) => Promise<void>;
}

interface Dispatch {
  jobs: OutboxJob[];
  chatId: number;
  /** Budget taken (or no longer needed): the job no longer waits for the chat's window. */
  acquired: boolean;
  promise: Promise<void>;
}

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
  private readonly random: () => number;
  private readonly inflight = new Set<Dispatch>();
  /** Jobs whose topic was already recreated once (a second "thread not found" drops them). */
  private readonly recreatedFor = new Set<number>();
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | undefined;
  private readonly abort = new AbortController();
  private lastPauseRefresh = 0;
  private lastRecovery = 0;
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.workerId = deps.workerId ?? newWorkerId();
    this.concurrency = deps.concurrency ?? 8;
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.idlePollMs = deps.idlePollMs ?? 250;
    this.pauseRefreshMs = deps.pauseRefreshMs ?? 5_000;
    this.random = deps.random ?? Math.random;
  }

  /** Recovers what a crashed run left, loads persisted pauses, and starts the loop. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.refreshPauses();
    await this.recover(this.deps.singleInstance);
    this.running = true;
    this.loopDone = this.loop();
    this.renewTimer = setInterval(
      () => void this.renewLeases(),
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  /** Looks for work now (after an enqueue). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Jobs being sent right now. */
  get busy(): number {
    return this.inflight.size;
  }

  /**
   * Stops claiming, lets calls in flight finish (up to `graceMs`), and puts back every job
   * that was claimed but not attempted.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    const settle = Promise.all([...this.inflight].map((d) => d.promise));
    const timedOut = await Promise.race([
      settle.then(() => false),
      sleep(graceMs).then(() => true),
    ]);
    if (timedOut) {
      // Waits for budget or a topic abort now; their jobs go back to pending (not attempted).
      this.abort.abort(new Error('shutdown'));
      await Promise.race([settle, sleep(2_000)]);
    }
    if (this.renewTimer) clearInterval(this.renewTimer);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let delay = this.idlePollMs;
      try {
        const result = await this.tick();
        if (result.claimed > 0) continue;
        delay = Math.min(delay, Math.max(1, result.nextDelay));
      } catch (err) {
        this.deps.logger.error({ err }, 'outbox worker round failed');
      }
      await this.waitForWork(delay);
    }
  }

  private waitForWork(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async tick(): Promise<{ claimed: number; nextDelay: number }> {
    const started = this.deps.sender.clock();
    if (started - this.lastPauseRefresh >= this.pauseRefreshMs) await this.refreshPauses();
    if (!this.deps.singleInstance && started - this.lastRecovery >= this.leaseMs / 2)
      await this.recover(false);
    const free = this.concurrency - this.inflight.size;
    const scheduler = this.deps.sender.scheduler;
    // Claim in batches: one claim query per finished job would read the queue's front each time.
    const worthClaiming =
      this.inflight.size === 0 || free >= Math.max(1, Math.floor(this.concurrency / 4));
    if (free <= 0 || !worthClaiming) return { claimed: 0, nextDelay: this.idlePollMs };
    const now = this.deps.sender.clock();
    // Budget is taken right before each call; here only claim what the budget can take soon.
    const waiting = [...this.inflight].filter((d) => !d.acquired);
    const globalRoom = scheduler.globalCapacity(now) - waiting.length;
    if (globalRoom <= 0) return { claimed: 0, nextDelay: Math.max(1, scheduler.globalDelay(now)) };
    const blocked = scheduler.blockedChats(now);
    const limit = Math.min(free, globalRoom);
    const admin = this.deps.adminChatId;
    const adminWaiting = waiting.filter((d) => d.chatId === admin).length;
    const groupLimit = Math.min(limit, scheduler.capacity(admin, now) - adminWaiting);
    const claimedGroups =
      groupLimit > 0
        ? await this.deps.store.claim({
            workerId: this.workerId,
            leaseMs: this.leaseMs,
            limit: groupLimit,
            excludeChatIds: blocked.filter((c) => c < 0),
            privateChats: false,
          })
        : [];
    const privateLimit = limit - claimedGroups.length;
    const claimedPrivate =
      privateLimit > 0
        ? await this.deps.store.claim({
            workerId: this.workerId,
            leaseMs: this.leaseMs,
            limit: privateLimit,
            excludeChatIds: blocked.filter((c) => c > 0),
            privateChats: true,
          })
        : [];
    const claimed = [...claimedGroups, ...claimedPrivate];
    for (const job of claimed) {
      const dispatch: Dispatch = {
        jobs: [job],
        chatId: job.target.chatId,
        acquired: false,
        promise: Promise.resolve(),
      };
      dispatch.promise = this.dispatch(job, dispatch)
        .catch((err: unknown) =>
          this.deps.logger.error({ err, jobId: job.id }, 'outbox dispatch crashed'),
        )
        .finally(() => {
          this.inflight.delete(dispatch);
          this.wake();
        });
      this.inflight.add(dispatch);
    }
    const nextDelay = Math.min(
      this.idlePollMs,
      scheduler.isPaused(admin, now)
        ? this.idlePollMs
        : Math.max(1, scheduler.chatDelay(admin, now)),
    );
    return { claimed: claimed.length, nextDelay };
  }

  private async dispatch(head: OutboxJob, dispatch: Dispatch): Promise<void> {
    let jobs = [head];
    const chatId = head.target.chatId;
    const sender = this.deps.sender;
    let threadId: number | undefined;
    let method = head.method;
    let params: Record<string, unknown>;
    let slot: Slot | undefined;
    try {
      if (
        isBatchable(head) &&
        shouldBatch(chatId, sender.scheduler.capacity(chatId, sender.clock()))
      ) {
        jobs = [head, ...(await this.batchFollowers(head))];
        dispatch.jobs = jobs;
      }
      threadId = await this.resolveThread(head);
      if (head.target.type === 'chat' && chatId > 0 && (await this.deps.fans.isBlocked(chatId))) {
        dispatch.acquired = true;
        await this.deps.store.finish(ids(jobs), 'failed', 'blocked', 'fan has blocked the bot');
        return;
      }
      if (jobs.length > 1) {
        method = 'copyMessages';
        params = {
          chat_id: chatId,
          from_chat_id: head.params.from_chat_id,
          message_ids: jobs.map((j) => j.params.message_id),
        };
      } else {
        params = { ...head.params, chat_id: chatId };
      }
      if (threadId !== undefined) params.message_thread_id = threadId;
      slot = await sender.acquire(chatId, Math.max(1, sender.costOf(method, params)), {
        signal: this.abort.signal,
        maxWaitMs: sender.scheduler.rules.group.windowMs * 2,
      });
      dispatch.acquired = true;
      await this.deps.store.markAttempt(ids(jobs), this.workerId);
    } catch (err) {
      dispatch.acquired = true;
      if (slot) sender.release(slot);
      if (err instanceof BotApiError) return this.handleFailure(jobs, method, threadId, err);
      // Budget, shutdown, or a database hiccup: not attempted, so it goes back as it was.
      if (!(err instanceof ChatBusyError) && this.running) {
        this.deps.logger.error({ err, jobId: head.id }, 'outbox job could not be prepared');
      }
      await this.putBack(
        jobs,
        err instanceof Error ? err.message : 'not prepared',
        err instanceof ChatBusyError ? 0 : 1000,
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
    const messageIds = messageIdsOf(result, jobs.length);
    await this.deps.store.markSent(ids(jobs), messageIds);
    if (this.deps.onDelivered) {
      await this.deps
        .onDelivered(jobs, messageIds)
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, jobId: head.id }, 'delivery hook failed'),
        );
    }
    for (const job of jobs) {
      if (job.kind.startsWith('relay.'))
        this.deps.metrics.relays.inc({ direction: job.kind.slice(6) });
    }
  }

  /** Followers of a batchable head that may ride along in one copyMessages call. */
  private async batchFollowers(head: OutboxJob): Promise<OutboxJob[]> {
    const scheduler = this.deps.sender.scheduler;
    const chatId = head.target.chatId;
    const perMessage = this.deps.sender.limits.batchCost === 'per_message';
    // The whole batch must fit the budget that is free now (the head included).
    const room = perMessage ? scheduler.capacity(chatId, this.deps.sender.clock()) : MAX_BATCH;
    if (room <= 1) return [];
    const followers = await this.deps.store.claimFollowers(
      head,
      this.workerId,
      this.leaseMs,
      Math.min(room, MAX_BATCH) - 1,
    );
    const batch = batchWith(head, followers, Math.min(MAX_BATCH, room));
    const rest = followers.slice(batch.length);
    if (rest.length > 0) await this.putBack(rest, 'not batched');
    return batch;
  }

  /** The message_thread_id a job goes to (a fan's topic, the alerts topic, or its own). */
  private async resolveThread(job: OutboxJob): Promise<number | undefined> {
    if (job.target.type === 'topic')
      return this.deps.topics.topicFor(job.target.fanId, this.abort.signal);
    if (job.target.threadId !== undefined) return job.target.threadId;
    if (job.kind === 'alert' && job.target.chatId === this.deps.adminChatId) {
      return this.deps.topics.alertsTopic(this.abort.signal);
    }
    return undefined;
  }

  private async handleFailure(
    jobs: OutboxJob[],
    method: string,
    threadId: number | undefined,
    err: BotApiError,
  ): Promise<void> {
    const head = jobs[0]!;
    const jobIds = ids(jobs);
    const chatId = head.target.chatId;
    const decision = decideFailure(method, err.failure);
    const log = this.deps.logger.child({
      jobId: head.id,
      jobs: jobIds.length,
      kind: head.kind,
      method,
      chatId,
    });
    const now = this.deps.sender.clock();
    switch (decision.action) {
      case 'rate_limited': {
        const until = Math.max(
          now + simulatedSecondsToMs(decision.retryAfterSeconds, this.deps.sender.limits),
          this.deps.sender.scheduler.activePauses(now).find((p) => p.chatId === chatId)?.until ?? 0,
        );
        log.debug({ retryAfterSeconds: decision.retryAfterSeconds }, '429: job waits');
        await this.deps.store.retry(jobIds, {
          countAttempt: false,
          availableAt: new Date(until),
          error: err.message,
        });
        return;
      }
      case 'retry': {
        const attempts = head.attempts + 1;
        if (attempts >= MAX_ATTEMPTS) {
          await this.deps.store.finish(jobIds, 'dead', 'gave_up', decision.reason);
          log.error({ attempts }, 'outbox job given up');
          await this.deps.alerts.raise({
            key: `gave_up:${head.kind}`,
            severity: 'warning',
            text: `Gave up sending job #${head.id} (${head.kind}) after ${attempts} attempts: ${decision.reason}.`,
          });
          return;
        }
        const delay = backoffMs(attempts, { ...DEFAULT_BACKOFF, random: this.random });
        const real = simulatedSecondsToMs(delay / 1000, this.deps.sender.limits);
        log.warn({ attempts, reason: decision.reason }, 'outbox job will be retried');
        await this.deps.store.retry(jobIds, {
          countAttempt: true,
          availableAt: new Date(Date.now() + real),
          error: decision.reason,
        });
        return;
      }
      case 'uncertain':
        return this.setAsideUncertain(jobs, decision.reason);
      case 'blocked': {
        await this.deps.store.finish(jobIds, 'failed', 'blocked', decision.reason);
        const fanId = head.fanId ?? (chatId > 0 ? chatId : null);
        if (fanId !== null && chatId > 0) await this.markBlocked(fanId);
        return;
      }
      case 'thread_missing': {
        const fresh = jobs.every((j) => !this.recreatedFor.has(j.id));
        if (head.target.type === 'topic' && threadId !== undefined && fresh) {
          for (const j of jobs) this.recreatedFor.add(j.id);
          try {
            await this.deps.topics.recreate(head.target.fanId, threadId, this.abort.signal);
          } catch (cause) {
            log.warn({ err: cause }, 'topic recreation failed; will retry');
            for (const j of jobs) this.recreatedFor.delete(j.id);
          }
          await this.deps.store.retry(jobIds, {
            countAttempt: false,
            availableAt: new Date(),
            error: decision.reason,
          });
          return;
        }
        if (head.kind === 'alert' && threadId !== undefined && fresh) {
          for (const j of jobs) this.recreatedFor.add(j.id);
          await this.deps.topics.forgetAlertsTopic(threadId);
          await this.deps.store.retry(jobIds, {
            countAttempt: false,
            availableAt: new Date(),
            error: decision.reason,
          });
          return;
        }
        await this.deps.store.finish(jobIds, 'failed', 'dropped', decision.reason);
        return;
      }
      case 'migrated': {
        const moved = await this.deps.store.moveChat(chatId, decision.newChatId);
        log.error({ newChatId: decision.newChatId, moved }, 'group migrated to a supergroup');
        await this.deps.alerts.raise({
          key: `migrated:${chatId}`,
          severity: 'critical',
          text: `Chat ${chatId} became supergroup ${decision.newChatId}. Set ADMIN_CHAT_ID=${decision.newChatId} if it is the admin group, then restart.`,
        });
        await this.deps.store.retry(jobIds, {
          countAttempt: false,
          availableAt: new Date(),
          error: 'migrated',
        });
        return;
      }
      case 'drop':
        log.warn({ reason: decision.reason }, 'Telegram refused an outbox job');
        await this.deps.store.finish(jobIds, 'failed', 'dropped', decision.reason);
        return;
    }
  }

  /** A send that may have happened: never resent (unless idempotent), always reported. */
  private async setAsideUncertain(jobs: OutboxJob[], reason: string): Promise<void> {
    const head = jobs[0]!;
    await this.deps.store.finish(ids(jobs), 'failed', 'uncertain', reason);
    this.deps.metrics.sends.inc({ result: 'uncertain' }, jobs.length);
    this.deps.logger.warn(
      { jobId: head.id, jobs: jobs.length, kind: head.kind, reason },
      'outcome unknown: not resent',
    );
    const fan = head.fanId === null ? '' : ` for fan ${head.fanId}`;
    await this.deps.alerts.raise({
      key: `uncertain:${head.kind}`,
      severity: 'warning',
      text:
        `Telegram did not confirm job #${head.id} (${head.kind}${fan}, ${jobs.length} message(s)): ${reason}. ` +
        'It was not resent, to avoid a duplicate; check the chat and resend by hand if it is missing.',
    });
  }

  private async markBlocked(fanId: number): Promise<void> {
    const changed = await this.deps.fans.setBlocked(fanId, true);
    if (!changed) return;
    this.deps.logger.info({ fanId }, 'fan blocked the bot');
    await this.deps.store.enqueue([
      {
        kind: 'notice.topic',
        target: { type: 'topic', chatId: this.deps.adminChatId, fanId },
        method: 'sendMessage',
        params: {
          text: '🚫 This fan blocked the bot. Replies are not delivered until they start it again.',
        },
        priority: PRIORITY.teamAnswer,
        fanId,
        dedupeKey: `blocked:${fanId}:${Math.floor(Date.now() / 60_000)}`,
      },
    ]);
    this.wake();
  }

  private async putBack(jobs: OutboxJob[], reason: string, delayMs = 0): Promise<void> {
    await this.deps.store.retry(ids(jobs), {
      countAttempt: false,
      availableAt: new Date(Date.now() + delayMs),
      error: reason,
    });
  }

  private async refreshPauses(): Promise<void> {
    this.lastPauseRefresh = this.deps.sender.clock();
    const pauses = await this.deps.pauses.list(new Date());
    for (const pause of pauses)
      this.deps.sender.scheduler.pause(pause.chatId, pause.until, pause.reason);
  }

  /** Crash recovery (see OutboxStore.recoverAbandoned). */
  private async recover(all: boolean): Promise<void> {
    this.lastRecovery = this.deps.sender.clock();
    const { requeued, attempted } = await this.deps.store.recoverAbandoned({ all });
    if (requeued > 0)
      this.deps.logger.info({ requeued }, 'outbox: requeued jobs a stopped worker had claimed');
    for (const job of attempted) {
      if (IDEMPOTENT_METHODS.has(job.method)) {
        await this.deps.store.retry([job.id], {
          countAttempt: true,
          availableAt: new Date(),
          error: 'recovered',
        });
      } else {
        await this.setAsideUncertain([job], 'the worker stopped while the call was in flight');
      }
    }
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

function ids(jobs: readonly OutboxJob[]): number[] {
  return jobs.map((j) => j.id);
}

/** The message ids a send returned, one per job (null when Telegram skipped some of a batch). */
function messageIdsOf(result: unknown, count: number): (number | null)[] {
  if (Array.isArray(result)) {
    if (result.length !== count) return Array.from({ length: count }, () => null);
    return result.map((r) =>
      typeof (r as { message_id?: unknown }).message_id === 'number'
        ? (r as { message_id: number }).message_id
        : null,
    );
  }
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return [typeof id === 'number' ? id : null];
}
