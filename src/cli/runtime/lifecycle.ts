/** Starting and stopping a runtime (the order matters for a graceful shutdown). */
import type { FastifyInstance } from 'fastify';
import { publishFanCommands } from '../../adapters/telegram/fan-commands.js';
import type { GroupAccess } from '../../adapters/telegram/group-access.js';
import type { UpdateIntake } from '../../adapters/telegram/intake.js';
import { newWorkerId, type OutboxWorker } from '../../adapters/telegram/outbox-worker.js';
import type { Poller } from '../../adapters/telegram/polling.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { JOBS, type StarsUpkeepRunner } from '../../jobs/index.js';
import { startJobScheduler, type JobScheduler } from '../../jobs/scheduler.js';
import type { ResponseAlertRunner } from '../../jobs/types.js';
import type { FanSide } from './fan.js';
import type { Stores } from './stores.js';
import type { TrafficTuning } from './traffic-config.js';
import type { RuntimeOptions } from './types.js';

export interface LifecycleContext {
  options: RuntimeOptions;
  app: FastifyInstance;
  worker: OutboxWorker;
  groupAccess: GroupAccess;
  poller: Poller | undefined;
  intake: UpdateIntake;
  stores: Stores;
  fan: FanSide;
  /** Response-time reminders and topic icons (every minute). */
  responseAlerts?: ResponseAlertRunner;
  /** The Telegram Stars upkeep job's runner (with payments). */
  starsUpkeep?: StarsUpkeepRunner;
  sender: TelegramSender;
  logger: Logger;
  tuning: TrafficTuning;
  /** The time the scheduled jobs run at (pass ends, response-time alerts, Stars upkeep). */
  clock: Clock;
  jobs(): JobScheduler | undefined;
  setJobs(jobs: JobScheduler): void;
}

/** How long the answers of the last accepted updates get to leave before connections close. */
const ANSWER_GRACE_MS = 250;

export function lifecycle(c: LifecycleContext) {
  return {
    /** Starts the outbox worker, polling (if chosen) and the scheduled jobs. */
    async start(): Promise<void> {
      // An outage a previous run left pauses the admin group before the worker claims.
      await c.groupAccess.start();
      await c.worker.start();
      await c.poller?.start();
      await publishFanCommands(
        c.sender,
        c.fan.services.templates,
        c.logger.child({ component: 'bot' }),
      );
      if (!c.options.scheduleJobs) return;
      c.setJobs(
        startJobScheduler(
          JOBS,
          {
            updates: c.stores.updates,
            outbox: c.stores.outbox,
            jobLock: c.stores.jobLock,
            logger: c.logger.child({ component: 'jobs' }),
            now: () => c.clock.now(),
            passNotices: c.fan.passNotices,
            responseAlerts: c.responseAlerts,
            starsUpkeep: c.starsUpkeep,
          },
          c.options.workerId ?? newWorkerId(),
        ),
      );
    },
    /**
     * Graceful and fast (Docker kills after 10 s): nothing waits for Telegram's budget any
     * more; accepted updates finish (their work is persisted), then the jobs waiting for
     * budget go back to the queue at once and only calls already on the wire are waited for
     * (`shutdownGraceMs`, 3 s by default).
     */
    async stop(): Promise<void> {
      c.sender.stopWaiting();
      await c.poller?.stop();
      // close() ends idle keep-alive connections only once; one that finishes a request
      // afterwards would hold the server open until keepAliveTimeout (72 s). So once the
      // accepted updates are done (later ones are answered 503), their answers get a moment
      // to go out and every remaining connection is closed (their updates are idempotent).
      const closing = c.app.close();
      await c.intake.close();
      const worker = c.worker.stop(c.tuning.shutdownGraceMs);
      const grace = new Promise((resolve) => setTimeout(resolve, ANSWER_GRACE_MS).unref());
      await Promise.race([closing, grace]);
      c.app.server.closeAllConnections();
      await closing;
      await c.jobs()?.stop();
      // Pending balance updates and card edits are queued (durable), sent after a restart.
      await c.fan.flush();
      await worker;
      // The group's shared budget learns when the last calls were answered.
      await c.sender.flushBudget();
      c.groupAccess.stop();
    },
  };
}
