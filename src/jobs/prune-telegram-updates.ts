/**
 * Forgets processed update ids after a week. Telegram redelivers an unacknowledged update
 * for at most about a day, and update ids may restart from a random value after a quiet
 * week, so a watermark would be wrong and an ever-growing set wasteful.
 */
import type { ScheduledJob } from './types.js';

export const UPDATE_RETENTION_MS = 7 * 24 * 3600_000;

export const pruneTelegramUpdatesJob: ScheduledJob = {
  name: 'prune-telegram-updates',
  cron: '17 3 * * *',
  async run({ updates, logger, now }) {
    const removed = await updates.prune(new Date(now().getTime() - UPDATE_RETENTION_MS));
    logger.info({ removed }, 'pruned processed Telegram update ids');
  },
};
