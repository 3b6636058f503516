import type { CommandModule } from '../context.js';
import { notBuilt } from './not-built.js';

/** `premiumbot setup`: the interactive wizard (issue 7). */
export const setupCommand: CommandModule = {
  register(program) {
    program
      .command('setup')
      .description('interactive wizard: bot, admin group, Stripe, database, public URL → .env')
      .argument('[step]', 're-run a single step')
      .option('--non-interactive', 'take every answer from flags and the environment')
      .action(() => notBuilt('setup', 'the operators issue (issue 7)'));
  },
};

/** `premiumbot set-webhooks`: Telegram webhook + Stripe endpoint (issue 7). */
export const setWebhooksCommand: CommandModule = {
  register(program) {
    program
      .command('set-webhooks')
      .description('point Telegram and Stripe webhooks at PUBLIC_URL')
      .option('--check', 'only report the current webhook status')
      .action(() => notBuilt('set-webhooks', 'the operators issue (issue 7)'));
  },
};

/** `premiumbot products sync|list` (issue 7). */
export const productsCommand: CommandModule = {
  register(program) {
    const products = program.command('products').description('sync the product catalog with Stripe, or list it');
    products
      .command('sync')
      .description('push a catalog file to Stripe and pull active premiumbot prices locally')
      .option('--catalog <file>', 'catalog YAML file', 'templates/products.example.yaml')
      .option('--dry-run', 'show the diff without changing anything')
      .action(() => notBuilt('products sync', 'the operators issue (issue 7)'));
    products
      .command('list')
      .description('show the catalog as the bot sees it')
      .action(() => notBuilt('products list', 'the operators issue (issue 7)'));
  },
};

/** `premiumbot doctor` (issue 7). */
export const doctorCommand: CommandModule = {
  register(program) {
    program
      .command('doctor')
      .description('check configuration, database, Telegram, Stripe and webhooks')
      .action(() => notBuilt('doctor', 'the operators issue (issue 7)'));
  },
};
