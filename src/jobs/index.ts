/** Every scheduled job, in the order they are registered. */
import { outboxCleanupJob } from './outbox-cleanup.js';
import { passNoticesJob } from './pass-notices.js';
import { pruneTelegramUpdatesJob } from './prune-telegram-updates.js';
import { responseAlertsJob } from './response-alerts.js';
import { starsUpkeepJob } from './stars-upkeep.js';
import type { ScheduledJob } from './types.js';

export const JOBS: readonly ScheduledJob[] = [
  pruneTelegramUpdatesJob,
  outboxCleanupJob,
  passNoticesJob,
  responseAlertsJob,
  starsUpkeepJob,
];

export type { JobDeps, PassNoticeRunner, ScheduledJob, StarsUpkeepRunner } from './types.js';
