/**
 * `premiumbot payments reconcile [--since 72h]`: lists the Stripe events of the window and
 * applies those the database has not processed (a webhook outage, a restore from backup).
 * Idempotent: processed events are skipped, and fulfilment is keyed on the payment anyway.
 *
 * `premiumbot payments refund <payment>`: refunds a Telegram Stars payment whole
 * (`refundStarPayment`), then takes its purchase back through the payment processor, once
 * per charge — the `refunded_payment` Telegram sends to the running bot is then a duplicate.
 */
import type { Command } from 'commander';
import { listHandledEvents, parseStripeEvent } from '../../adapters/stripe/events.js';
import { ErrorCodes, PremiumbotError, UsageError } from '../../core/errors.js';
import { RetryLaterError } from '../../core/payments/processor.js';
import type { ReceivedEvent } from '../../core/payments/events.js';
import type { Logger } from '../../core/logger.js';
import type { MessageCatalog } from '../../core/templates.js';
import { loadMessageCatalog } from '../../config/message-templates.js';
import type { StripeClient } from '../../adapters/stripe/client.js';
import { ensureInstallId } from '../../adapters/db/bot-state-store.js';
import type { Db } from '../../adapters/db/knex.js';
import { stripeClient } from '../clients.js';
import { configFor, loggerFor, type CommandModule } from '../context.js';
import { openMigratedDatabase } from '../database.js';
import { buildPaymentProcessor } from '../runtime/payments.js';
import { createBotApi, type BotApi } from '../../adapters/telegram/bot-api.js';
import {
  refundStars,
  type StarsRefundOutcome,
} from '../../adapters/telegram/features/stars-refund.js';
import { starsRefundEvent } from '../../core/payments/stars.js';
import type { Output } from '../ui.js';
import { reconcileStarsPayments } from '../tasks/stars-reconcile.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `72h`, `3d`, `90m`, `600s` → seconds. */
export function parseWindow(value: string): number {
  const match = /^(\d+)\s*([smhd])$/i.exec(value.trim());
  const seconds = match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > 30 * 86_400) {
    throw new UsageError(`--since "${value}" is not a window like 72h, 3d or 90m (at most 30d).`, {
      hint: 'Stripe keeps events for 30 days; the default, 72h, covers its webhook retries.',
    });
  }
  return seconds;
}

export interface ReconcileSummary {
  listed: number;
  applied: number;
  alreadyProcessed: number;
  /** Events about another install's objects (several installs on one Stripe account): skipped. */
  foreign: number;
  failed: number;
  appliedEvents: string[];
}

export interface ReconcileOptions {
  db: Db;
  stripe: StripeClient;
  sinceSeconds: number;
  nowSeconds: number;
  adminChatId?: number;
  /** Every admin group (ADMIN_CHAT_IDS): topic notes go to each fan's group. */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  logger: Logger;
  output: Output;
  /** The message templates (receipts and notes are `payment.*` keys). */
  templates: MessageCatalog;
  /** CURRENCY: only payments in it count toward total spent and tiers. */
  currency?: string;
}

/** Applies every missed event of the window, oldest first; a dependent event gets a second pass. */
export async function reconcilePayments(options: ReconcileOptions): Promise<ReconcileSummary> {
  const { store, processor } = buildPaymentProcessor(
    {
      installId: await ensureInstallId(options.db),
      db: options.db,
      adminChatId: options.adminChatId,
      adminChatIds: options.adminChatIds,
      ownerIds: options.ownerIds,
      logger: options.logger,
      templates: options.templates,
      currency: options.currency,
    },
    options.stripe,
  );
  const since = options.nowSeconds - options.sinceSeconds;
  const raw = await listHandledEvents(options.stripe, since);
  const summary: ReconcileSummary = {
    listed: raw.length,
    applied: 0,
    alreadyProcessed: 0,
    foreign: 0,
    failed: 0,
    appliedEvents: [],
  };
  let pending: ReceivedEvent[] = [];
  for (const payload of raw) {
    const event = parseStripeEvent(payload);
    if (await store.isEventProcessed(event.id)) summary.alreadyProcessed++;
    else pending.push(event);
  }
  for (let pass = 0; pass < 3 && pending.length > 0; pass++) {
    const retry: ReceivedEvent[] = [];
    for (const event of pending) {
      try {
        const result = await processor.process(event);
        if (result === 'processed') {
          summary.applied++;
          summary.appliedEvents.push(event.id);
          options.output.out(`  applied ${event.type} ${event.id}`);
        } else if (result === 'foreign') {
          summary.foreign++;
        } else {
          summary.alreadyProcessed++;
        }
      } catch (err) {
        if (err instanceof RetryLaterError) {
          retry.push(event);
          continue;
        }
        summary.failed++;
        options.output.err(`  failed ${event.type} ${event.id}: ${(err as Error).message}`);
      }
    }
    pending = retry;
  }
  for (const event of pending) {
    summary.failed++;
    options.output.err(`  could not apply ${event.type} ${event.id}: its payment is unknown`);
  }
  return summary;
}

export interface StarsRefundCliOptions {
  db: Db;
  api: BotApi;
  paymentId: number;
  adminChatId?: number;
  /** Every admin group (ADMIN_CHAT_IDS): topic notes go to each fan's group. */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  logger: Logger;
  templates: MessageCatalog;
  currency?: string;
  nowSeconds: number;
}

/** Refunds Stars payment `paymentId` whole and applies it once; throws a usage error for any other. */
export async function refundStarsPaymentCli(
  options: StarsRefundCliOptions,
): Promise<{ outcome: StarsRefundOutcome; stars: number; fanId: number }> {
  const { store, processor } = buildPaymentProcessor(
    {
      installId: await ensureInstallId(options.db),
      db: options.db,
      adminChatId: options.adminChatId,
      adminChatIds: options.adminChatIds,
      ownerIds: options.ownerIds,
      logger: options.logger,
      templates: options.templates,
      currency: options.currency,
    },
    undefined,
  );
  const id = options.paymentId;
  const row = await store.findPayment({ id });
  if (!row) throw new UsageError(`There is no payment #${id}.`);
  if (row.source !== 'stars' || !row.chargeId) {
    throw new UsageError(`Payment #${id} was not paid with Telegram Stars.`, {
      hint: 'Refund card payments from /users in the admin group (💸 Refund last payment).',
    });
  }
  if (row.status !== 'paid') {
    throw new UsageError(`Payment #${id} is ${row.status}: there is nothing to refund.`);
  }
  const outcome = await refundStars(
    {
      sender: {
        send: <T>(method: string, params: Record<string, unknown>) =>
          options.api.call<T>(method, params),
      },
      payments: {
        starsRefunded: async (refund) => {
          await processor.process(starsRefundEvent(refund, options.nowSeconds));
        },
      },
      wakeOutbox: () => {},
    },
    row.fanId,
    row.chargeId,
  );
  return { outcome, stars: row.amountPaidCents, fanId: row.fanId };
}

function register(program: Command, ctx: Parameters<CommandModule['register']>[1]): void {
  const payments = program
    .command('payments')
    .description('payments: reconcile Stripe events, refund Telegram Stars payments');
  payments
    .command('refund <payment>')
    .description('refund a Telegram Stars payment (its number in /users) and take its credits back')
    .action(async (payment: string) => {
      const paymentId = Number(payment);
      if (!Number.isSafeInteger(paymentId) || paymentId <= 0) {
        throw new UsageError(`"${payment}" is not a payment number.`, {
          hint: 'The number is shown in /users, e.g. "payment #12".',
        });
      }
      const config = configFor(ctx, ['telegram']);
      const logger = loggerFor(ctx, config);
      const api = createBotApi({ token: config.botToken!, apiRoot: config.telegramApiRoot });
      const db = await openMigratedDatabase(config.databaseUrl);
      try {
        const result = await refundStarsPaymentCli({
          db,
          api,
          paymentId,
          adminChatId: config.adminChatId,
          adminChatIds: config.adminChatIds,
          ownerIds: config.adminUserIds,
          logger,
          templates: loadMessageCatalog(),
          currency: config.currency,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
        ctx.output.out(
          result.outcome === 'refunded'
            ? `Refunded ⭐ ${result.stars} of payment #${paymentId} to fan ${result.fanId}; the credits were taken back.`
            : `Payment #${paymentId} had already been refunded by Telegram; its credits are taken back (once).`,
        );
        ctx.output.out(
          "The fan's notice and the topic note are queued; a running `premiumbot serve` sends them.",
        );
      } finally {
        await db.destroy();
      }
    });
  payments
    .command('reconcile')
    .description(
      'apply Stripe events and Telegram Stars payments the database missed (outage, restore from backup)',
    )
    .option('--since <window>', 'how far back to look: 72h, 3d, 90m…', '72h')
    .action((opts: { since: string }) => runReconcile(ctx, opts.since));
}

type CliCtx = Parameters<CommandModule['register']>[1];

/**
 * `payments reconcile`: Stripe's events when Stripe is configured, the bot's Star
 * transactions when BOT_TOKEN is set (both on an install with both rails).
 */
async function runReconcile(ctx: CliCtx, since: string): Promise<void> {
  const sinceSeconds = parseWindow(since);
  const env = configFor(ctx, []);
  const stripeOn = env.stripeApiKey !== undefined;
  const starsOn = env.botToken !== undefined;
  // Neither configured: the usual "STRIPE_API_KEY is required" error.
  const config = configFor(ctx, stripeOn || !starsOn ? ['stripe'] : ['telegram']);
  const logger = loggerFor(ctx, config);
  const templates = loadMessageCatalog();
  const db = await openMigratedDatabase(config.databaseUrl);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const from = new Date((nowSeconds - sinceSeconds) * 1000).toISOString();
  const common = {
    db,
    sinceSeconds,
    nowSeconds,
    adminChatId: config.adminChatId,
    adminChatIds: config.adminChatIds,
    ownerIds: config.adminUserIds,
    logger,
    templates,
    currency: config.currency,
  };
  try {
    let failed = 0;
    let applied = 0;
    if (stripeOn) {
      ctx.output.out(`Reconciling Stripe events since ${from}…`);
      const summary = await reconcilePayments({
        ...common,
        stripe: stripeClient(config),
        output: ctx.output,
      });
      ctx.output.out(
        `${summary.listed} event(s) listed: ${summary.applied} applied, ` +
          `${summary.alreadyProcessed} already processed, ${summary.failed} failed.`,
      );
      if (summary.foreign > 0) {
        ctx.output.out(
          `${summary.foreign} event(s) of another premiumbot install on this Stripe account skipped.`,
        );
      }
      failed += summary.failed;
      applied += summary.applied;
    }
    if (starsOn) {
      ctx.output.out(`Reconciling Telegram Stars transactions since ${from}…`);
      const api = createBotApi({ token: config.botToken!, apiRoot: config.telegramApiRoot });
      const stars = await reconcileStarsPayments({ ...common, api });
      for (const charge of stars.appliedCharges) ctx.output.out(`  applied Stars charge ${charge}`);
      ctx.output.out(
        `${stars.listed} Stars transaction(s) listed: ${stars.paid} payment(s) and ` +
          `${stars.refunded} refund(s) applied, ${stars.alreadyProcessed} already processed, ` +
          `${stars.skipped} not premiumbot invoices.`,
      );
      applied += stars.paid + stars.refunded;
    }
    if (applied > 0) {
      ctx.output.out('Receipts and notes are queued; a running `premiumbot serve` sends them.');
    }
    if (failed > 0) {
      throw new PremiumbotError(
        ErrorCodes.stripe,
        `${failed} Stripe event(s) could not be applied.`,
        {
          hint: 'See the lines above and the logs; fix the cause and run `premiumbot payments reconcile` again (it is idempotent).',
        },
      );
    }
  } finally {
    await db.destroy();
  }
}

export const paymentsCommand: CommandModule = { register };
