/**
 * The Telegram Stars half of `premiumbot payments reconcile`: reads the bot's Star
 * transactions (`getStarTransactions`) for the window and applies every payment and refund
 * of ours the database missed, through the payment processor (keyed on the charge id, so a
 * second run, or the running bot's own upkeep job, applies nothing more).
 */
import type { Db } from '../../adapters/db/knex.js';
import { ensureInstallId } from '../../adapters/db/bot-state-store.js';
import type { BotApi } from '../../adapters/telegram/bot-api.js';
import { createStarTransactionsSource } from '../../adapters/telegram/star-transactions.js';
import type { Logger } from '../../core/logger.js';
import { reconcileStars, type StarsReconcileSummary } from '../../core/payments/stars-upkeep.js';
import type { MessageCatalog } from '../../core/templates.js';
import { buildPaymentProcessor, starsUpkeepDeps } from '../runtime/payments.js';

export interface StarsReconcileOptions {
  db: Db;
  api: BotApi;
  sinceSeconds: number;
  nowSeconds: number;
  adminChatId?: number;
  /** Every admin group (ADMIN_CHAT_IDS): topic notes go to each fan's group. */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  logger: Logger;
  templates: MessageCatalog;
  currency?: string;
}

/** Applies the Stars payments and refunds of the window the database has not processed. */
export async function reconcileStarsPayments(
  options: StarsReconcileOptions,
): Promise<StarsReconcileSummary> {
  const context = {
    installId: await ensureInstallId(options.db),
    db: options.db,
    adminChatId: options.adminChatId,
    adminChatIds: options.adminChatIds,
    ownerIds: options.ownerIds,
    logger: options.logger,
    templates: options.templates,
    currency: options.currency,
    starTransactions: createStarTransactionsSource(options.api),
  };
  const { store, processor } = buildPaymentProcessor(context, undefined);
  return reconcileStars(
    starsUpkeepDeps(context, store, processor),
    options.nowSeconds,
    options.sinceSeconds,
  );
}
