/**
 * Every minute: warns fans whose time pass ends within `pass.warning_minutes` and tells
 * those whose pass ended. The scheduler runs it on one instance per minute (job_runs), and
 * each notice is claimed with a conditional update, so even overlapping runs send it once.
 */
import type { ScheduledJob } from './types.js';

export const passNoticesJob: ScheduledJob = {
  name: 'pass-notices',
  cron: '* * * * *',
  async run({ passNotices, logger, now }) {
    if (!passNotices) return;
    const { warned, ended } = await passNotices.run(now());
    if (warned + ended > 0) logger.info({ warned, ended }, 'queued time pass notices');
  },
};
