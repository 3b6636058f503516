/**
 * Composition of payments: the payment store (db), the Stripe gateway and webhook (stripe),
 * the rules (core) and the webhook route (http). Wiring only. Used by `serve` and by
 * `payments reconcile`. Without a Stripe client (STRIPE_API_KEY unset) only the Telegram
 * Stars rail runs: no Stripe webhook route (POST /stripe-webhook answers 404), and the
 * card-only commands answer that cards are not taken (`commands/stripe-off.ts`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsync } from 'fastify';
import type { Knex } from 'knex';
import { fanGroupPlacer, type FanGroupPlacer } from '../../adapters/db/outbox/fan-groups.js';
import { DEFAULT_TRAFFIC_LIMITS, windowRules } from '../../core/traffic/limits.js';
import { createContentStore } from '../../adapters/db/content-store.js';
import { createLedgerStore, type DbLedgerStore } from '../../adapters/db/ledger-store.js';
import { createPaymentStore, type DbPaymentStore } from '../../adapters/db/payment-store.js';
import { stripeWebhookRoute } from '../../adapters/http/routes/stripe-webhook.js';
import type { StripeClient } from '../../adapters/stripe/client.js';
import { createStripeGateway } from '../../adapters/stripe/payments.js';
import { createStripeRefunds } from '../../adapters/stripe/refunds.js';
import {
  createStripeEventApplier,
  createStripeWebhook,
  type ApplyStripePayload,
} from '../../adapters/stripe/webhook.js';
import { createSettingsStore, type SettingsStore } from '../../config/settings-store.js';
import type { SpendObserver } from '../../core/balance.js';
import type { PaymentRefunds } from '../../core/fan-admin.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { MessageCatalog } from '../../core/templates.js';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import type { PaymentGateway, PaymentSettings } from '../../core/payments/ports.js';
import type { PaymentRails, RailProduct } from '../../core/payments/rails.js';
import { withChargeLookup } from '../../core/payments/charge-lookup.js';
import { createPaymentProcessor, type PaymentProcessor } from '../../core/payments/processor.js';
import {
  runStarsUpkeep,
  type StarTransactionsSource,
  type StarsUpkeepDeps,
} from '../../core/payments/stars-upkeep.js';
import { createStarsUpkeepStore } from '../../adapters/db/payment/stars.js';
import type { StarsUpkeepRunner } from '../../jobs/index.js';
import {
  createPaymentService,
  rechargeOnSpend,
  type PaymentCommands,
} from '../../core/payments/service.js';

/** Auto-recharge charges that never reached Stripe: retried after 2 s, 10 s and 60 s. */
const STRIPE_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000];

export interface PaymentsOptions {
  /** Absent: the Stripe rail is off (Telegram Stars only). */
  stripe?: StripeClient;
  /** STRIPE_WEBHOOK_SECRET, split on commas. */
  webhookSecrets: readonly string[];
  /** Milliseconds clock for signature checks (tests running the simulator's clock). */
  now?: () => number;
  /** Delays before re-sending an auto-recharge charge that never reached Stripe. */
  stripeRetryDelaysMs?: readonly number[];
  /** How those delays are waited (tests record them instead). */
  wait?: (ms: number) => Promise<void>;
}

export interface PaymentsContext {
  db: Knex;
  adminChatId?: number;
  /** Places fans' topic notes in their admin group (several groups; see stores.fanGroups). */
  fanGroups?: FanGroupPlacer;
  /** Every admin group, the primary first: a placer is built when `fanGroups` is not given (CLI). */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  logger: Logger;
  /** Wakes the outbox worker after receipts or replies were enqueued. */
  wake?: () => void;
  /** Refreshes the pinned cards of the fans a Stripe event touched. */
  onFansChanged?: (fanIds: readonly number[]) => void;
  settings?: SettingsStore;
  /** The ledger (tests wrap it to make a handler fail). */
  ledger?: DbLedgerStore;
  /** The process's message templates (payment texts are `payment.*` keys). */
  templates: MessageCatalog;
  /** Language of the team's notes and alerts (default en). */
  adminLanguage?: string;
  /** CURRENCY (default usd): only payments in it count toward total spent and tiers. */
  currency?: string;
  /** This install's id (`ensureInstallId`): Stripe metadata, idempotency keys, foreign events. */
  installId: string;
  /** The rails in force for the products on sale (the runtime's, shared with the shop). */
  rails?: (products: readonly RailProduct[]) => Promise<PaymentRails>;
  /** The bot's Star transactions (getStarTransactions), for the Stars reconcile. */
  starTransactions?: StarTransactionsSource;
  /** The time of day (core/clock.ts): the system's when absent. */
  clock?: Clock;
}

/** The settings the payment rules read, from the settings table. */
export function paymentSettings(settings: SettingsStore): PaymentSettings {
  return {
    tierThresholds: () => settings.get('tier.thresholds'),
    receiptsEnabled: () => settings.get('receipts.enabled'),
    maxRechargeFailures: () => settings.get('auto_recharge.max_failures'),
  };
}

/**
 * The event processor over the database (webhook and reconcile share it); refund and dispute
 * events first read their charge from Stripe.
 */
export function buildPaymentProcessor(
  context: PaymentsContext,
  stripe: StripeClient | undefined,
): {
  store: DbPaymentStore;
  processor: PaymentProcessor;
  handlePayload: ApplyStripePayload;
} {
  const fanGroups =
    context.fanGroups ??
    fanGroupPlacer({
      chatIds: context.adminChatIds ?? [],
      rule: windowRules(DEFAULT_TRAFFIC_LIMITS).group,
    });
  const store = createPaymentStore(context.db, {
    currency: context.currency,
    installId: context.installId,
    groups: fanGroups,
  });
  const settings = context.settings ?? createSettingsStore(context.db);
  const logger = context.logger.child({ component: 'payments' });
  const core = createPaymentProcessor({
    store,
    ledger: context.ledger ?? createLedgerStore(context.db),
    settings: paymentSettings(settings),
    adminChatId: context.adminChatId,
    ownerIds: context.ownerIds,
    logger,
    templates: context.templates,
    adminLanguage: context.adminLanguage,
    installId: context.installId,
    onFansChanged: context.onFansChanged,
    content: createContentStore(context.db, fanGroups),
    ...timeOf(context.clock),
  });
  // Refund and dispute events read their charge from Stripe; Stars payments need nothing more.
  const processor = stripe ? withChargeLookup(core, createStripeGateway(stripe), logger) : core;
  const handlePayload = createStripeEventApplier({ processor, logger, onProcessed: context.wake });
  return { store, processor, handlePayload };
}

export interface Payments {
  service: PaymentCommands;
  processor: PaymentProcessor;
  /** POST /stripe-webhook; without Stripe, no route at all (Stripe would get a 404). */
  route: FastifyPluginAsync;
  /** Parses and applies a verified webhook payload (what the webhook calls after the signature). */
  handlePayload: ApplyStripePayload;
  /** The auto-recharge trigger, for the fan message use case's spend observer. */
  spendObserver: SpendObserver;
  /** Refunds asked for from /users (Stripe's refund events do the rest). */
  refunds: PaymentRefunds;
  /** The Stars upkeep the scheduler runs (reconcile, lapsed subscriptions, unpaid invoices). */
  starsUpkeep: StarsUpkeepRunner;
}

/** The Stars upkeep's deps over the database (`serve`'s job and `payments reconcile`). */
export function starsUpkeepDeps(
  context: Pick<PaymentsContext, 'db' | 'logger' | 'starTransactions'>,
  store: DbPaymentStore,
  processor: PaymentProcessor,
): StarsUpkeepDeps {
  return {
    store: { ...createStarsUpkeepStore(context.db), isEventProcessed: store.isEventProcessed },
    processor,
    transactions: context.starTransactions,
    logger: context.logger.child({ component: 'stars-upkeep' }),
  };
}

/** Everything `serve` needs for payments. */
export function buildPayments(
  context: PaymentsContext & { botUsername: string },
  options: PaymentsOptions,
): Payments {
  const { store, processor, handlePayload } = buildPaymentProcessor(context, options.stripe);
  const logger = context.logger.child({ component: 'payments' });
  const stripe = options.stripe;
  const rails = context.rails;
  const service = createPaymentService({
    store,
    gateway: stripe ? createStripeGateway(stripe) : noStripeGateway(),
    processor,
    ...(rails ? { rails: async () => rails(await store.activeProducts()) } : {}),
    botUsername: context.botUsername,
    logger,
    ...timeOf(context.clock),
    onEnqueued: context.wake,
    templates: context.templates,
    installId: context.installId,
    retry: {
      delaysMs: options.stripeRetryDelaysMs ?? STRIPE_RETRY_DELAYS_MS,
      wait: options.wait ?? ((ms) => sleep(ms).then(() => undefined)),
    },
  });
  const webhook = stripe
    ? createStripeWebhook({
        secrets: options.webhookSecrets,
        // The simulator signs with its clock; ours follows it in the sandbox.
        now: options.now ?? msOf(context.clock),
        applyPayload: handlePayload,
      })
    : undefined;
  return {
    service,
    processor,
    handlePayload,
    route: webhook ? stripeWebhookRoute(webhook, logger) : async () => {},
    spendObserver: rechargeOnSpend(service, logger),
    refunds: stripe ? createStripeRefunds(stripe, context.installId) : noStripeRefunds(),
    starsUpkeep: {
      run: (now) => runStarsUpkeep(starsUpkeepDeps(context, store, processor), now),
    },
  };
}

/** The clock for the deps that take a `now` (none given: each keeps the system's). */
function timeOf(clock: Clock | undefined): { now?: () => Date } {
  return clock ? { now: () => clock.now() } : {};
}

/** The clock in milliseconds (the webhook's signature window). */
function msOf(clock: Clock | undefined): (() => number) | undefined {
  return clock ? () => clock.now().getTime() : undefined;
}

/** Stripe off: never called (every card path checks the rails first); says so if it is. */
function stripeOffError(): PremiumbotError {
  return new PremiumbotError(ErrorCodes.config, 'Stripe is not configured (STRIPE_API_KEY unset)', {
    hint: 'Set STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET to take cards, or sell with Telegram Stars only.',
  });
}

function noStripeGateway(): PaymentGateway {
  const off = () => Promise.reject(stripeOffError());
  return {
    createCustomer: off,
    createCheckout: off,
    expireCheckout: off,
    portalUrl: off,
    chargeOffSession: off,
    retrieveCharge: off,
  };
}

function noStripeRefunds(): PaymentRefunds {
  return { refund: () => Promise.reject(stripeOffError()) };
}
