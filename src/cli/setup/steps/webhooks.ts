import { createStripeClient } from '../../../adapters/stripe/client.js';
import {
  inspectWebhookEndpoint,
  stripeWebhookUrl,
} from '../../../adapters/stripe/webhook-endpoint.js';
import { createOperatorApi } from '../../../adapters/telegram/operator-api.js';
import { UsageError } from '../../../core/errors.js';
import { setWebhooks } from '../../webhooks.js';
import type { SetupStep } from '../types.js';

/** Runs set-webhooks with the answers: Telegram webhook + Stripe endpoint, secret stored. */
export const webhooksStep: SetupStep = {
  id: 'webhooks',
  title: 'Webhooks',
  async run(ctx) {
    const config = ctx.answers.config();
    if (!config.publicUrl) {
      ctx.output.out(
        'No PUBLIC_URL: skipped. Run `premiumbot serve --polling`, or set PUBLIC_URL and run `premiumbot set-webhooks`.',
      );
      return;
    }
    if (ctx.options.skipWebhooks) {
      ctx.output.out(
        'Skipped (--skip-webhooks): run `premiumbot set-webhooks` when the server is reachable.',
      );
      return;
    }
    if (!config.botToken || !config.telegramWebhookSecret) {
      throw new UsageError('The bot token is needed first.', {
        hint: 'Run `premiumbot setup bot`.',
      });
    }
    const stripeKey = config.stripeApiKey;
    if (!ctx.options.nonInteractive) {
      const go = await ctx.prompter.confirm({
        message: `Point the Telegram${stripeKey ? ' and Stripe' : ''} webhooks at ${config.publicUrl} now?`,
        default: true,
      });
      if (!go) {
        ctx.output.out('Skipped: run `premiumbot set-webhooks` when the server is reachable.');
        return;
      }
    }
    const stripe = stripeKey
      ? createStripeClient({ apiKey: stripeKey, apiBase: config.stripeApiBase })
      : undefined;
    let recreate = false;
    if (stripe && config.stripeWebhookSecrets.length === 0) {
      const existing = await inspectWebhookEndpoint(stripe, stripeWebhookUrl(config.publicUrl));
      if (existing.endpoint) {
        ctx.output.out(
          `Stripe already has the endpoint ${existing.endpoint.id}, but its signing secret is not in .env (Stripe shows it only once).`,
        );
        recreate = ctx.options.nonInteractive
          ? true
          : await ctx.prompter.confirm({
              message: 'Replace that endpoint to get a new signing secret?',
              default: true,
            });
        if (!recreate) {
          throw new UsageError('STRIPE_WEBHOOK_SECRET is still missing.', {
            hint: 'Paste the endpoint signing secret from the Stripe Dashboard into STRIPE_WEBHOOK_SECRET in .env.',
          });
        }
      }
    }
    await setWebhooks({
      telegram: createOperatorApi({ token: config.botToken, apiRoot: config.telegramApiRoot }),
      stripe,
      publicUrl: config.publicUrl,
      telegramSecret: config.telegramWebhookSecret,
      stripeSecrets: config.stripeWebhookSecrets,
      output: ctx.output,
      recreateStripeEndpoint: recreate,
      storeStripeSecret: (secret) => {
        ctx.answers.set('STRIPE_WEBHOOK_SECRET', secret);
        ctx.save();
      },
    });
  },
};
