import { judgeTelegramWebhook } from '../../webhooks.js';
import { fail, pass, skip, warn, type DoctorCheck } from '../types.js';

/** The Telegram webhook points at PUBLIC_URL with every update kind the bot needs. */
export const telegramWebhookCheck: DoctorCheck = {
  id: 'telegram-webhook',
  title: 'Telegram webhook',
  after: ['telegram-token'],
  async run(ctx) {
    const info = await ctx.telegram!.getWebhookInfo();
    const publicUrl = ctx.config!.publicUrl;
    if (!publicUrl) {
      if (info.url !== '') {
        return fail(
          `a webhook is set (${info.url}) but PUBLIC_URL is not`,
          'Set PUBLIC_URL and run `premiumbot set-webhooks`, or delete the webhook to use `serve --polling`.',
        );
      }
      return skip('no PUBLIC_URL: polling mode (`premiumbot serve --polling`)');
    }
    const verdict = judgeTelegramWebhook(info, publicUrl);
    if (verdict.problems.length > 0)
      return fail(verdict.problems.join('; '), 'Run `premiumbot set-webhooks`.');
    if (verdict.warnings.length > 0) {
      return warn(
        `${verdict.summary}; ${verdict.warnings.join('; ')}`,
        'Is `premiumbot serve` running and reachable at PUBLIC_URL? Check its logs.',
      );
    }
    return pass(verdict.summary);
  },
};
