import { configFor, type CommandModule } from '../context.js';
import { notBuilt } from './not-built.js';

/** `premiumbot serve [--polling]`: webhook server + bot + scheduler. */
export const serveCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('serve')
      .description('run the webhook server, the bot and the scheduled jobs')
      .option('--polling', 'use getUpdates instead of a webhook (development, no public URL)')
      .action((opts: { polling?: boolean }) => {
        configFor(ctx, opts.polling ? ['serve'] : ['serve', 'webhook']);
        notBuilt('serve', 'the Telegram traffic backbone (issue 4)');
      });
  },
};
