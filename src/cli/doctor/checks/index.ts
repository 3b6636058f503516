/** Every doctor check, in the order they run and print. */
import type { DoctorCheck } from '../types.js';
import { adminGroupCheck } from './admin-group.js';
import { adminsCheck } from './admins.js';
import { botRightsCheck } from './bot-rights.js';
import { configCheck } from './config.js';
import { databaseCheck } from './database.js';
import { envFileCheck } from './env-file.js';
import { groupBudgetCheck } from './group-budget.js';
import { installIdCheck } from './install-id.js';
import { ledgerCheck } from './ledger.js';
import { migrationsCheck } from './migrations.js';
import { ownersStartedCheck } from './owners-started.js';
import { productsCheck } from './products.js';
import { starsBalanceCheck } from './stars-balance.js';
import { stripeKeyCheck } from './stripe-key.js';
import { stripeWebhookCheck } from './stripe-webhook.js';
import { telegramTokenCheck } from './telegram-token.js';
import { telegramWebhookCheck } from './telegram-webhook.js';

export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  envFileCheck,
  configCheck,
  databaseCheck,
  migrationsCheck,
  ledgerCheck,
  groupBudgetCheck,
  installIdCheck,
  productsCheck,
  telegramTokenCheck,
  adminGroupCheck,
  botRightsCheck,
  adminsCheck,
  ownersStartedCheck,
  telegramWebhookCheck,
  stripeKeyCheck,
  stripeWebhookCheck,
  starsBalanceCheck,
];
