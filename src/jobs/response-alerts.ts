/**
 * Every minute: response-time reminders for paying fans waiting too long, cleared when the
 * team answered, and the topics' state icons (src/adapters/telegram/features/response-alerts).
 * The scheduler runs it on one instance per minute; each reminder is claimed once anyway.
 */
import type { ScheduledJob } from './types.js';

export const responseAlertsJob: ScheduledJob = {
  name: 'response-alerts',
  cron: '* * * * *',
  async run({ responseAlerts, logger, now }) {
    if (!responseAlerts) return;
    const { reminded, cleared } = await responseAlerts.run(now());
    if (reminded + cleared > 0) logger.info({ reminded, cleared }, 'response-time alerts');
  },
};
