import type { CommandModule } from '../context.js';
import { backupCommand } from './backup.js';
import { doctorCommand } from './doctor.js';
import { migrateCommand } from './migrate.js';
import { paymentsCommand } from './payments.js';
import { productsCommand } from './products.js';
import { sandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';
import { setWebhooksCommand } from './set-webhooks.js';
import { setupCommand } from './setup.js';

/** Every command, in the order `--help` lists them (DESIGN §2). */
export const COMMANDS: readonly CommandModule[] = [
  setupCommand,
  migrateCommand,
  setWebhooksCommand,
  productsCommand,
  paymentsCommand,
  serveCommand,
  doctorCommand,
  backupCommand,
  sandboxCommand,
];
