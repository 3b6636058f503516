import { PremiumbotError } from '../../../core/errors.js';
import { inspectStripeWebhook } from '../../webhooks.js';
import { fail, pass, skip, warn, type DoctorCheck } from '../types.js';

/** A Stripe endpoint for PUBLIC_URL/stripe-webhook receives every event the bot handles. */
export const stripeWebhookCheck: DoctorCheck = {
  id: 'stripe-webhook',
  title: 'Stripe webhook endpoint',
  after: ['config'],
  async run(ctx) {
    const config = ctx.config!;
    if (!config.stripeApiKey) return skip('not used (no STRIPE_API_KEY: Telegram Stars only)');
    const key = ctx.results.get('stripe-key')?.status;
    if (key !== 'pass' && key !== 'warn') return skip('skipped: "Stripe API key" did not pass');
    if (!config.publicUrl) return skip('no PUBLIC_URL: Stripe cannot reach this server');
    try {
      const verdict = await inspectStripeWebhook(
        ctx.stripe!,
        config.publicUrl,
        config.stripeWebhookSecrets,
      );
      if (verdict.problems.length > 0)
        return fail(verdict.problems.join('; '), 'Run `premiumbot set-webhooks`.');
      if (verdict.warnings.length > 0)
        return warn(
          `${verdict.summary}; ${verdict.warnings.join('; ')}`,
          'Delete the extra endpoints in the Stripe Dashboard.',
        );
      return pass(verdict.summary);
    } catch (err) {
      if (err instanceof PremiumbotError)
        return fail(err.message, err.hint ?? 'Check STRIPE_API_KEY.');
      throw err;
    }
  },
};
