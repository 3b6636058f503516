/** Deletes finished outbox jobs after 30 days and old job-run records. */
import type { ScheduledJob } from './types.js';

export const OUTBOX_RETENTION_MS = 30 * 24 * 3600_000;

export const outboxCleanupJob: ScheduledJob = {
  name: 'outbox-cleanup',
  cron: '41 3 * * *',
  async run({ outbox, jobLock, logger, now }) {
    const before = new Date(now().getTime() - OUTBOX_RETENTION_MS);
    const removed = await outbox.purgeFinished(before);
    const runs = await jobLock.purge(before);
    logger.info({ removed, runs }, 'cleaned up finished outbox jobs');
  },
};
