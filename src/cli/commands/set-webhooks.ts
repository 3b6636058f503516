/** `premiumbot set-webhooks [--check]`: Telegram webhook and Stripe endpoint for PUBLIC_URL. */
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import { stripeClient, telegramClient } from '../clients.js';
import { configFor, type CommandModule } from '../context.js';
import { envFilePathOf, updateEnvFile } from '../env-file.js';
import { withProgress } from '../progress.js';
import {
  judgeTelegramWebhook,
  inspectStripeWebhook,
  setWebhooks,
  type CheckOutcome,
} from '../webhooks.js';
import type { Output } from '../ui.js';
import { readTemplate } from '../templates.js';

function printOutcome(output: Output, name: string, outcome: CheckOutcome): void {
  output.out(
    `${outcome.problems.length > 0 ? '✖' : outcome.warnings.length > 0 ? '⚠' : '✔'} ${name}: ${outcome.summary}`,
  );
  for (const p of outcome.problems) output.out(`    ✖ ${p}`);
  for (const w of outcome.warnings) output.out(`    ⚠ ${w}`);
}

export const setWebhooksCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('set-webhooks')
      .description(
        'point the Telegram webhook and a Stripe endpoint at PUBLIC_URL (stores the Stripe signing secret)',
      )
      .option('--check', 'only report the current webhook status (exit 1 if something is wrong)')
      .option(
        '--recreate-stripe-endpoint',
        'replace the Stripe endpoint to get (and store) a new signing secret',
      )
      .action(async (opts: { check?: boolean; recreateStripeEndpoint?: boolean }) => {
        // Without STRIPE_API_KEY (Telegram Stars only) only the Telegram webhook is set.
        const config = configFor(ctx, ['set-webhooks']);
        const publicUrl = config.publicUrl as string;
        const telegram = telegramClient(config);
        const stripe = config.stripeApiKey ? stripeClient(config) : undefined;
        if (opts.check) {
          const tg = await withProgress(ctx.output, 'Asking Telegram for the webhook status', () =>
            telegram.getWebhookInfo(),
          );
          const tgOutcome = judgeTelegramWebhook(tg, publicUrl);
          const stOutcome = stripe
            ? await withProgress(ctx.output, 'Asking Stripe for the webhook endpoint', () =>
                inspectStripeWebhook(stripe, publicUrl, config.stripeWebhookSecrets),
              )
            : { summary: 'not used (no STRIPE_API_KEY)', problems: [], warnings: [] };
          printOutcome(ctx.output, 'Telegram', tgOutcome);
          if (tg.allowed_updates)
            ctx.output.out(`    allowed_updates: ${tg.allowed_updates.join(', ')}`);
          printOutcome(ctx.output, 'Stripe', stOutcome);
          const problems = tgOutcome.problems.length + stOutcome.problems.length;
          if (problems > 0) {
            throw new PremiumbotError(
              ErrorCodes.config,
              `The webhooks need attention (${problems} problem${problems === 1 ? '' : 's'}).`,
              {
                hint: 'Run `premiumbot set-webhooks` to fix them.',
              },
            );
          }
          ctx.output.out('Webhooks are set up.');
          return;
        }
        const envFile = envFilePathOf(ctx);
        await setWebhooks({
          telegram,
          stripe,
          publicUrl,
          telegramSecret: config.telegramWebhookSecret as string,
          stripeSecrets: config.stripeWebhookSecrets,
          output: ctx.output,
          recreateStripeEndpoint: opts.recreateStripeEndpoint,
          storeStripeSecret: (secret) => {
            updateEnvFile(
              envFile,
              { STRIPE_WEBHOOK_SECRET: secret },
              { template: readTemplate('env.example') },
            );
            ctx.output.out(`  (written to ${envFile})`);
            if (ctx.env.STRIPE_WEBHOOK_SECRET !== undefined) {
              ctx.output.out(
                '⚠ STRIPE_WEBHOOK_SECRET is also set in the environment, which wins over .env: update it there too.',
              );
            }
          },
        });
        ctx.output.out('Done. Check any time with `premiumbot set-webhooks --check`.');
      });
  },
};
