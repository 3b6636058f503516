import { PremiumbotError } from '../../../core/errors.js';
import { pass, warn, type DoctorCheck } from '../types.js';

/**
 * The bot's Telegram Stars balance (getMyStarBalance): what fans paid in Stars, net of
 * refunds, not yet withdrawn. Informative: Stars are their own currency, never converted.
 */
export const starsBalanceCheck: DoctorCheck = {
  id: 'stars-balance',
  title: 'Telegram Stars balance',
  after: ['telegram-token'],
  async run(ctx) {
    try {
      const { amount } = await ctx.telegram!.getMyStarBalance();
      return pass(`⭐ ${amount.toLocaleString('en')} (withdraw from @BotFather → Balance)`);
    } catch (err) {
      if (err instanceof PremiumbotError) {
        return warn(`could not read it: ${err.message}`, 'Run `premiumbot doctor` again later.');
      }
      throw err;
    }
  },
};
