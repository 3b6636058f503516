/** The setup steps, in the order the wizard runs them; each can be re-run with `premiumbot setup <id>`. */
import type { SetupStep } from '../types.js';
import { adminGroupStep } from './admin-group.js';
import { adminsStep } from './admins.js';
import { botStep } from './bot.js';
import { databaseStep } from './database.js';
import { migrateStep } from './migrate.js';
import { productsStep } from './products.js';
import { publicUrlStep } from './public-url.js';
import { stripeStep } from './stripe.js';
import { systemdStep } from './systemd.js';
import { webhooksStep } from './webhooks.js';

export const SETUP_STEPS: readonly SetupStep[] = [
  botStep,
  adminGroupStep,
  adminsStep,
  stripeStep,
  databaseStep,
  publicUrlStep,
  migrateStep,
  productsStep,
  webhooksStep,
  systemdStep,
];
