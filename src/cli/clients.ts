/** Builds the Telegram and Stripe clients operator commands use, from validated configuration. */
import { createStripeClient, type StripeClient } from '../adapters/stripe/client.js';
import { createOperatorApi, type OperatorApi } from '../adapters/telegram/operator-api.js';
import { UsageError } from '../core/errors.js';

/** The operator Bot API client for BOT_TOKEN at TELEGRAM_API_ROOT. */
export function telegramClient(config: {
  botToken?: string;
  telegramApiRoot: string;
}): OperatorApi {
  if (!config.botToken) {
    throw new UsageError('BOT_TOKEN is not set.', {
      hint: 'Run `premiumbot setup bot` or set BOT_TOKEN in .env.',
    });
  }
  return createOperatorApi({ token: config.botToken, apiRoot: config.telegramApiRoot });
}

/** The Stripe client for STRIPE_API_KEY at STRIPE_API_BASE. */
export function stripeClient(config: {
  stripeApiKey?: string;
  stripeApiBase: string;
}): StripeClient {
  if (!config.stripeApiKey) {
    throw new UsageError('STRIPE_API_KEY is not set.', {
      hint: 'Run `premiumbot setup stripe` or set STRIPE_API_KEY in .env.',
    });
  }
  return createStripeClient({ apiKey: config.stripeApiKey, apiBase: config.stripeApiBase });
}
