import { verifyStripeKey } from '../../../adapters/stripe/catalog.js';
import { createStripeClient, isLiveKey } from '../../../adapters/stripe/client.js';
import { ErrorCodes, PremiumbotError } from '../../../core/errors.js';
import { withProgress } from '../../progress.js';
import { askSetting } from '../ask-setting.js';
import type { SetupStep } from '../types.js';

/**
 * The Stripe key, checked with a read call; the currency of new prices. Optional: an empty
 * answer (or none given with --non-interactive) leaves Stripe off, and fans pay with
 * Telegram Stars only (products need a `stars:` price); `premiumbot setup stripe` adds it later.
 */
export const stripeStep: SetupStep = {
  id: 'stripe',
  title: 'Stripe',
  async run(ctx) {
    ctx.output.out(
      'Paste a Stripe secret key (Dashboard → Developers → API keys); start with a test key (sk_test_…). Leave it empty to sell with Telegram Stars only.',
    );
    const apiBase = ctx.answers.config().stripeApiBase;
    const key = await askSetting(ctx, 'STRIPE_API_KEY', {
      message: 'Stripe secret key',
      optional: true,
      check: async (key) => {
        await withProgress(ctx.output, 'Checking the key with Stripe', () =>
          verifyStripeKey(createStripeClient({ apiKey: key, apiBase, maxNetworkRetries: 1 })),
        );
        if (isLiveKey(key) && !ctx.options.nonInteractive) {
          const ok = await ctx.prompter.confirm({
            message: 'This is a LIVE key: fans will pay real money. Use it?',
            default: false,
          });
          if (!ok)
            throw new PremiumbotError(ErrorCodes.usage, 'Live key declined.', {
              hint: 'Paste a test key (sk_test_…).',
            });
        }
        return `Stripe accepted the ${isLiveKey(key) ? 'LIVE' : 'test'} key`;
      },
    });
    if (key === undefined) {
      ctx.output.out(
        'Stripe skipped: fans pay with Telegram Stars only (give products a `stars:` price). Run `premiumbot setup stripe` to add card payments later.',
      );
      return;
    }
    await askSetting(ctx, 'CURRENCY', { message: 'Currency of your prices (ISO code)' });
  },
};
