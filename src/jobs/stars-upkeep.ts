/**
 * Every 10 minutes: Telegram Stars upkeep (core/payments/stars-upkeep.ts) — applies Stars
 * payments and refunds whose updates were missed (getStarTransactions), tells fans and the
 * team about Star subscriptions that were not renewed, and expires invoices never paid. Each
 * effect is claimed once (charge ids, the lapse's event id, conditional updates), so even
 * overlapping runs act once.
 */
import type { ScheduledJob } from './types.js';

export const starsUpkeepJob: ScheduledJob = {
  name: 'stars-upkeep',
  cron: '*/10 * * * *',
  async run({ starsUpkeep, logger, now }) {
    if (!starsUpkeep) return;
    const { reconciled, lapsed, expired } = await starsUpkeep.run(now());
    if (reconciled + lapsed + expired > 0) {
      logger.info({ reconciled, lapsed, expired }, 'telegram stars upkeep');
    }
  },
};
