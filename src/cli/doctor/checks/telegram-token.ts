import { createOperatorApi } from '../../../adapters/telegram/operator-api.js';
import { PremiumbotError } from '../../../core/errors.js';
import { fail, pass, skip, type DoctorCheck } from '../types.js';

/** BOT_TOKEN is accepted by Telegram (getMe). */
export const telegramTokenCheck: DoctorCheck = {
  id: 'telegram-token',
  title: 'Telegram bot token',
  after: ['config'],
  async run(ctx) {
    const config = ctx.config!;
    if (!config.botToken) return skip('BOT_TOKEN is not set');
    ctx.telegram = createOperatorApi({ token: config.botToken!, apiRoot: config.telegramApiRoot });
    try {
      ctx.me = await ctx.telegram.getMe();
      return pass(`@${ctx.me.username ?? ctx.me.first_name} (id ${ctx.me.id})`);
    } catch (err) {
      if (err instanceof PremiumbotError) return fail(err.message, err.hint ?? 'Check BOT_TOKEN.');
      throw err;
    }
  },
};
