import type { CommandModule } from '../context.js';
import { notBuilt } from './not-built.js';

/** `premiumbot sandbox`: the local Telegram and Stripe simulators. */
export const sandboxCommand: CommandModule = {
  register(program) {
    program
      .command('sandbox')
      .description('run the local Telegram and Stripe simulators for offline testing')
      .option('--telegram-port <port>', 'port of the Telegram simulator', '8081')
      .option('--stripe-port <port>', 'port of the Stripe simulator', '8082')
      .action(() => notBuilt('sandbox', 'the simulators issue (issue 3)'));
  },
};
