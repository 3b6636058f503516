/** A scheduled job: a name, a cron expression, and what it does. */
import type { Logger } from '../core/logger.js';
import type { OutboxStore } from '../core/traffic/outbox.js';
import type { JobLock, UpdateStore } from '../core/traffic/ports.js';

/** Queues due time-pass notices. */
export interface PassNoticeRunner {
  run(now: Date): Promise<{ warned: number; ended: number }>;
}

/** Telegram Stars upkeep: reconcile, lapsed subscriptions, unpaid invoices. */
export interface StarsUpkeepRunner {
  run(now: Date): Promise<{ reconciled: number; lapsed: number; expired: number }>;
}

/** Response-time reminders and topic icons (features/response-alerts). */
export interface ResponseAlertRunner {
  run(now: Date): Promise<{ reminded: number; cleared: number }>;
}

export interface JobDeps {
  updates: UpdateStore;
  outbox: OutboxStore;
  jobLock: JobLock;
  logger: Logger;
  now: () => Date;
  passNotices?: PassNoticeRunner;
  responseAlerts?: ResponseAlertRunner;
  starsUpkeep?: StarsUpkeepRunner;
}

export interface ScheduledJob {
  name: string;
  /** node-cron expression (UTC). */
  cron: string;
  run(deps: JobDeps): Promise<void>;
}
