import type { CommandModule } from '../context.js';
import { migrateCommand } from './migrate.js';
import { doctorCommand, productsCommand, setupCommand, setWebhooksCommand } from './placeholders.js';
import { sandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';

/** Every command, in the order `--help` lists them (DESIGN §2). */
export const COMMANDS: readonly CommandModule[] = [
  setupCommand,
  migrateCommand,
  setWebhooksCommand,
  productsCommand,
  serveCommand,
  doctorCommand,
  sandboxCommand,
];
