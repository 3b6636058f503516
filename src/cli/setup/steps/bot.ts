import { randomBytes } from 'node:crypto';
import { createOperatorApi } from '../../../adapters/telegram/operator-api.js';
import { withProgress } from '../../progress.js';
import { askSetting } from '../ask-setting.js';
import type { SetupStep } from '../types.js';

/** The bot token, checked with getMe; also creates the webhook secret token once. */
export const botStep: SetupStep = {
  id: 'bot',
  title: 'Telegram bot',
  requires: ['BOT_TOKEN'],
  async run(ctx) {
    ctx.output.out('Create a bot with @BotFather (/newbot) and paste its token.');
    const apiRoot = ctx.answers.config().telegramApiRoot;
    await askSetting(ctx, 'BOT_TOKEN', {
      message: 'Bot token from @BotFather',
      check: async (token) => {
        const me = await withProgress(ctx.output, 'Checking the token with Telegram (getMe)', () =>
          createOperatorApi({ token, apiRoot }).getMe(),
        );
        ctx.facts.me = me;
        return `Connected as @${me.username ?? me.first_name} (id ${me.id})`;
      },
    });
    if (!ctx.answers.get('TELEGRAM_WEBHOOK_SECRET')) {
      ctx.answers.set('TELEGRAM_WEBHOOK_SECRET', randomBytes(32).toString('base64url'));
      ctx.output.out(
        '✔ Generated TELEGRAM_WEBHOOK_SECRET (Telegram echoes it so serve can reject forged updates).',
      );
    }
  },
};
