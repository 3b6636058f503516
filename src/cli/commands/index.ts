import type { CommandModule } from '../context.js';

/**
 * Every command, in the order `--help` lists them (DESIGN §2). A command's module — and with
 * it the part of the product it runs (the server, the wizard, the simulators…) — is imported
 * only when that command runs or its own help is asked for: `premiumbot --help` loads none.
 */
export interface CommandEntry {
  name: string;
  /** The one-line summary of the top-level help (the module registers the full command). */
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'setup',
    summary:
      'interactive wizard: bot, admin group, Stripe, database, public URL → .env, migrations, products, webhooks',
    load: async () => (await import('./setup.js')).setupCommand,
  },
  {
    name: 'migrate',
    summary: 'apply database migrations (latest), show their status, or roll back the last batch',
    load: async () => (await import('./migrate.js')).migrateCommand,
  },
  {
    name: 'set-webhooks',
    summary:
      'point the Telegram webhook and a Stripe endpoint at PUBLIC_URL (stores the Stripe signing secret)',
    load: async () => (await import('./set-webhooks.js')).setWebhooksCommand,
  },
  {
    name: 'products',
    summary: 'sync the product catalog with Stripe, or list it',
    load: async () => (await import('./products.js')).productsCommand,
  },
  {
    name: 'payments',
    summary: 'Stripe payments: reconcile',
    load: async () => (await import('./payments.js')).paymentsCommand,
  },
  {
    name: 'serve',
    summary: 'run the webhook server, the bot and the scheduled jobs',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  {
    name: 'doctor',
    summary:
      'check configuration, database, Telegram (token, admin group, rights), Stripe and webhooks',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'backup',
    summary: 'write an online backup of the SQLite database (Postgres: explains pg_dump)',
    load: async () => (await import('./backup.js')).backupCommand,
  },
  {
    name: 'sandbox',
    summary: 'run the local Telegram and Stripe simulators for offline testing',
    load: async () => (await import('./sandbox.js')).sandboxCommand,
  },
];

/** The command `argv` runs (or asks help for), if any: the first word that is not an option. */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--env-file') i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  // `premiumbot help serve` shows serve's own help: serve is loaded.
  return words[0] === 'help' ? words[1] : words[0];
}
