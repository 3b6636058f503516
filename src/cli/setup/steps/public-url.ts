import { randomBytes } from 'node:crypto';
import { askSetting } from '../ask-setting.js';
import type { SetupStep } from '../types.js';

/** The public https URL Telegram and Stripe call (optional: without it, serve --polling). */
export const publicUrlStep: SetupStep = {
  id: 'public-url',
  title: 'Public URL',
  async run(ctx) {
    ctx.output.out(
      'The https address where this server is reachable (a reverse proxy such as Caddy in front of PORT).',
    );
    ctx.output.out(
      'Leave it empty to run without webhooks (`premiumbot serve --polling`, no Stripe events).',
    );
    const url = await askSetting(ctx, 'PUBLIC_URL', {
      message: 'Public URL (https://…)',
      optional: true,
      check: async (value) =>
        `Webhooks will go to ${value.replace(/\/+$/, '')}/telegram-webhook and /stripe-webhook`,
    });
    if (url) ctx.answers.set('PUBLIC_URL', url.replace(/\/+$/, ''));
    if (!ctx.answers.get('METRICS_TOKEN')) {
      ctx.answers.set('METRICS_TOKEN', randomBytes(24).toString('base64url'));
      ctx.output.out(
        '✔ Generated METRICS_TOKEN (scrape /metrics with Authorization: Bearer <token>; it is not public).',
      );
    }
  },
};
