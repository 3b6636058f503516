import path from 'node:path';
import { describeConfig } from '../../config/env.js';
import { configFor, environmentOf, loggerFor, type CommandModule } from '../context.js';
import { openMigratedDatabase } from '../database.js';
import { buildRuntime, type Runtime } from '../runtime/index.js';
import { readTuningFile } from '../runtime/traffic-config.js';
import { followSandboxClock, type SandboxClock } from '../sandbox-clock.js';
import { JOBS } from '../../jobs/index.js';

/** The jobs driven by the time of day, run at once when the sandbox clock moves. */
const TIMED_JOBS = new Set(['pass-notices', 'response-alerts', 'stars-upkeep']);

/** The sandbox clock moved: pass ends and reminders now due go out now, not at the next minute. */
async function runTimedJobs(runtime: Runtime, slot: string): Promise<void> {
  for (const job of JOBS) {
    if (TIMED_JOBS.has(job.name)) await runtime.jobs?.runOnce(job, slot);
  }
}

interface ServeOptions {
  polling?: boolean;
  trafficConfig?: string;
}

/** `premiumbot serve [--polling]`: webhook server + bot + outbox worker + scheduled jobs. */
export const serveCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('serve')
      .description('run the webhook server, the bot and the scheduled jobs')
      .option('--polling', 'use getUpdates instead of a webhook (development, no public URL)')
      .option(
        '--traffic-config <file>',
        'JSON file adjusting Telegram rate limits and outbox tuning',
      )
      .action(async (opts: ServeOptions) => {
        const config = configFor(ctx, opts.polling ? ['serve'] : ['serve', 'webhook']);
        const tuning = opts.trafficConfig
          ? readTuningFile(path.resolve(ctx.cwd, opts.trafficConfig))
          : undefined;
        const logger = loggerFor(ctx, config);
        ctx.output.out('premiumbot serve: effective configuration');
        for (const line of describeConfig(environmentOf(ctx).values)) ctx.output.out(`  ${line}`);
        if (!config.stripeApiKey) {
          ctx.output.out('  (no STRIPE_API_KEY: Stripe is off; fans pay with Telegram Stars)');
        }

        // A schema that is not up to date is a usage error (exit 2), as for every command.
        const db = await openMigratedDatabase(config.databaseUrl);
        let runtime: Runtime | undefined;
        let sandboxClock: SandboxClock | undefined;
        try {
          if (config.sandboxClockUrl) {
            sandboxClock = await followSandboxClock(config.sandboxClockUrl, logger);
            ctx.output.out(`  (following the sandbox clock at ${config.sandboxClockUrl})`);
          }
          runtime = await buildRuntime({
            botToken: config.botToken!,
            apiRoot: config.telegramApiRoot,
            adminChatId: config.adminChatId!,
            adminChatIds: config.adminChatIds,
            ownerIds: config.adminUserIds,
            webhookSecret: config.telegramWebhookSecret,
            mode: opts.polling ? 'polling' : 'webhook',
            db,
            logger,
            tuning,
            scheduleJobs: true,
            metricsToken: config.metricsToken,
            clock: sandboxClock?.clock,
            // Always wired: Telegram Stars need no configuration; Stripe runs when its key is set.
            payments: {
              // stripe-node is loaded only when Stripe is on (issue 17: serve's RSS).
              stripe: config.stripeApiKey
                ? (await import('../clients.js')).stripeClient(config)
                : undefined,
              webhookSecrets: config.stripeWebhookSecrets,
            },
            fan: {
              currency: config.currency,
              lowBalanceThreshold: config.lowCreditAlertThreshold,
            },
          });
          const shutdown = new Promise<string>((resolve) => ctx.signals.once('shutdown', resolve));
          await runtime.start();
          const started = runtime;
          sandboxClock?.onAdvance(() => {
            const slot = `moved:${Date.now()}`;
            runTimedJobs(started, slot).catch((err: unknown) =>
              logger.error({ err }, 'time-driven jobs after a sandbox clock move failed'),
            );
          });
          const address = await runtime.app.listen({ host: config.host, port: config.port });
          ctx.output.out(
            opts.polling
              ? `Polling Telegram for updates; health and metrics on ${address}`
              : `Listening on ${address} (Telegram webhook at /telegram-webhook)`,
          );
          logger.info({ address, mode: opts.polling ? 'polling' : 'webhook' }, 'serving');
          const signal = await shutdown;
          ctx.output.out(`Received ${signal}: finishing in-flight work…`);
          await runtime.stop();
          runtime = undefined;
          ctx.output.out('Stopped cleanly.');
        } finally {
          sandboxClock?.close();
          if (runtime) await runtime.stop().catch(() => {});
          await db.destroy();
        }
      });
  },
};
