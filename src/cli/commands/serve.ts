import path from 'node:path';
import { openDatabase } from '../../adapters/db/connect.js';
import { describeConfig } from '../../config/env.js';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import { stripeClient } from '../clients.js';
import { configFor, environmentOf, loggerFor, type CommandModule } from '../context.js';
import { buildBackbone } from '../serve/backbone.js';
import { readTuningFile } from '../serve/traffic-config.js';

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

        const db = await openDatabase(config.databaseUrl);
        let backbone: Awaited<ReturnType<typeof buildBackbone>> | undefined;
        try {
          const [, pending] = (await db.migrate.list()) as [unknown[], unknown[]];
          if (pending.length > 0) {
            throw new PremiumbotError(
              ErrorCodes.migration,
              `The database has ${pending.length} pending migration(s).`,
              {
                hint: 'Run `premiumbot migrate` first.',
              },
            );
          }
          backbone = await buildBackbone({
            botToken: config.botToken!,
            apiRoot: config.telegramApiRoot,
            adminChatId: config.adminChatId!,
            ownerIds: config.adminUserIds,
            webhookSecret: config.telegramWebhookSecret,
            mode: opts.polling ? 'polling' : 'webhook',
            db,
            logger,
            tuning,
            scheduleJobs: true,
            payments: config.stripeApiKey
              ? { stripe: stripeClient(config), webhookSecrets: config.stripeWebhookSecrets }
              : undefined,
            fanExperience: {
              currency: config.currency,
              lowBalanceThreshold: config.lowCreditAlertThreshold,
            },
          });
          const shutdown = new Promise<string>((resolve) => ctx.signals.once('shutdown', resolve));
          await backbone.start();
          const address = await backbone.app.listen({ host: config.host, port: config.port });
          ctx.output.out(
            opts.polling
              ? `Polling Telegram for updates; health and metrics on ${address}`
              : `Listening on ${address} (Telegram webhook at /telegram-webhook)`,
          );
          logger.info({ address, mode: opts.polling ? 'polling' : 'webhook' }, 'serving');
          const signal = await shutdown;
          ctx.output.out(`Received ${signal}: finishing in-flight work…`);
          await backbone.stop();
          backbone = undefined;
          ctx.output.out('Stopped cleanly.');
        } finally {
          if (backbone) await backbone.stop().catch(() => {});
          await db.destroy();
        }
      });
  },
};
