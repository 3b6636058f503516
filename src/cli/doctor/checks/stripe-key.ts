import { verifyStripeKey } from '../../../adapters/stripe/catalog.js';
import { createStripeClient, isLiveKey } from '../../../adapters/stripe/client.js';
import { PremiumbotError } from '../../../core/errors.js';
import { fail, pass, skip, type DoctorCheck } from '../types.js';

/** STRIPE_API_KEY is accepted by Stripe. */
export const stripeKeyCheck: DoctorCheck = {
  id: 'stripe-key',
  title: 'Stripe API key',
  after: ['config'],
  async run(ctx) {
    const config = ctx.config!;
    if (!config.stripeApiKey) {
      return skip('STRIPE_API_KEY is not set: Stripe not used (fans pay with Telegram Stars)');
    }
    ctx.stripe = createStripeClient({
      apiKey: config.stripeApiKey!,
      apiBase: config.stripeApiBase,
      maxNetworkRetries: 1,
    });
    try {
      await verifyStripeKey(ctx.stripe);
      return pass(
        `${isLiveKey(config.stripeApiKey!) ? 'live' : 'test'} mode key accepted by ${config.stripeApiBase}`,
      );
    } catch (err) {
      if (err instanceof PremiumbotError)
        return fail(err.message, err.hint ?? 'Check STRIPE_API_KEY.');
      throw err;
    }
  },
};
