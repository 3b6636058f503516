/**
 * A payments test environment: a migrated database, the Stripe simulator with a product,
 * the payment service and processor, and a fastify app serving POST /stripe-webhook that
 * the simulator delivers to (signed with the simulator's clock).
 */
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { ensureInstallId } from '../../src/adapters/db/bot-state-store.js';
import { createLedgerStore, type DbLedgerStore } from '../../src/adapters/db/ledger-store.js';
import { buildApp } from '../../src/adapters/http/app.js';
import {
  createStripeClient,
  STRIPE_API_VERSION,
  type StripeClient,
} from '../../src/adapters/stripe/client.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { reconcilePayments } from '../../src/cli/commands/payments.js';
import { buildPayments, type Payments } from '../../src/cli/runtime/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import { MetricsRegistry } from '../../src/adapters/http/prometheus.js';
import { runtimeMetrics } from '../../src/core/metrics.js';
import type { FanReply } from '../../src/core/payments/ports.js';
import type { MessageCatalog } from '../../src/core/templates.js';
import type { FanProfile } from '../../src/core/fan.js';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';
import type { StripeObject } from '../../src/sandbox/stripe/store.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

export const ADMIN_CHAT_ID = -1001234567890;
export const OWNER_ID = 555_000_111;

export interface PaymentsEnv {
  testDb: TestDb;
  db: Knex;
  sim: StripeSimulator;
  stripe: StripeClient;
  payments: Payments;
  ledger: DbLedgerStore;
  app: FastifyInstance;
  webhookUrl: string;
  /** Signing secrets the route accepts (the endpoint's is pushed in at start). */
  secrets: string[];
  endpointSecret: string;
  /** Local product ids: 10 credits for $5.00, 25 credits for $10.00, 1 hour for $15.00. */
  products: { credits10: number; credits25: number; hour: number };
  close(): Promise<void>;
}

export interface EnvOptions {
  ledger?: (ledger: DbLedgerStore) => DbLedgerStore;
  poolMax?: number;
  /** This install's id (default: the one `ensureInstallId` stores in the database). */
  installId?: string;
  /** Message templates (default: the shipped ones) and the team's language (default en). */
  templates?: MessageCatalog;
  adminLanguage?: string;
  /**
   * The simulated account's default API version (what `/v1/events` shows); the webhook
   * endpoint is then pinned at the bot's version, as `set-webhooks` creates it.
   */
  stripeAccountVersion?: string;
}

export async function createProduct(
  env: { stripe: StripeClient; db: Knex },
  label: string,
  type: 'credits' | 'time',
  amount: number,
  cents: number,
  sort: number,
): Promise<number> {
  const product = await env.stripe.products.create({
    name: label,
    metadata: { premiumbot_type: type, premiumbot_amount: String(amount) },
  });
  const price = await env.stripe.prices.create({
    product: product.id,
    unit_amount: cents,
    currency: 'usd',
  });
  const rows = (await env
    .db('products')
    .insert({
      label,
      type,
      amount,
      price_cents: cents,
      currency: 'usd',
      stripe_product_id: product.id,
      stripe_price_id: price.id,
      active: true,
      sort,
    })
    .returning('id')) as Array<{ id: number } | number>;
  const first = rows[0]!;
  return typeof first === 'object' ? Number(first.id) : Number(first);
}

/** The install id in `bot_state` (the given one, stored first when asked for). */
export async function storedInstallId(db: Knex, installId?: string): Promise<string> {
  if (installId) {
    await db('bot_state').insert({ key: 'install_id', value: installId, updated_at: new Date() });
  }
  return ensureInstallId(db);
}

export async function startPaymentsEnv(options: EnvOptions = {}): Promise<PaymentsEnv> {
  const testDb = await createMigratedTestDb({ poolMax: options.poolMax });
  const db = testDb.db;
  const sim = createStripeSimulator({
    webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...(options.stripeAccountVersion ? { apiVersion: options.stripeAccountVersion } : {}),
  });
  await sim.listen(0);
  const stripe = createStripeClient({ apiKey: 'sk_test_payments', apiBase: sim.apiBase });
  const baseLedger = createLedgerStore(db);
  const ledger = options.ledger ? options.ledger(baseLedger) : baseLedger;
  const secrets: string[] = [];
  const payments = buildPayments(
    {
      db,
      botUsername: 'premium_test_bot',
      adminChatId: ADMIN_CHAT_ID,
      ownerIds: [OWNER_ID],
      logger: silentLogger,
      ledger,
      templates: options.templates ?? loadMessageCatalog(),
      adminLanguage: options.adminLanguage,
      installId: await storedInstallId(db, options.installId),
    },
    { stripe, webhookSecrets: secrets, now: () => sim.control.clock.nowMs() },
  );
  const registry = new MetricsRegistry();
  const app = await buildApp({
    logger: silentLogger,
    registry,
    metrics: runtimeMetrics(registry),
    health: async () => true,
    routes: [payments.route],
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const webhookUrl = `${address}/stripe-webhook`;
  const endpoint = sim.control.addEndpoint(webhookUrl, [...STRIPE_EVENTS], {
    ...(options.stripeAccountVersion ? { apiVersion: STRIPE_API_VERSION } : {}),
  });
  secrets.push(endpoint.secret);
  const env0 = { stripe, db };
  const products = {
    credits10: await createProduct(env0, '10 credits', 'credits', 10, 500, 1),
    credits25: await createProduct(env0, '25 credits', 'credits', 25, 1000, 2),
    hour: await createProduct(env0, '1 hour chat', 'time', 3600, 1500, 3),
  };
  return {
    testDb,
    db,
    sim,
    stripe,
    payments,
    ledger: baseLedger,
    app,
    webhookUrl,
    secrets,
    endpointSecret: endpoint.secret,
    products,
    async close() {
      await sim.close();
      await app.close();
      await testDb.destroy();
    },
  };
}

let nextFan = 7_100_000_000;
/** A new fan identity (unique per call). */
export function newFan(name = 'Ada'): FanProfile {
  nextFan += 1;
  return { id: nextFan, firstName: name, username: `${name.toLowerCase()}_${nextFan}` };
}

/** The Checkout Session id of the URL button in a reply. */
export function sessionIdOf(reply: FanReply | undefined): string {
  const button = reply?.buttons?.[0]?.[0];
  const url = button && 'url' in button ? button.url : undefined;
  if (!url) throw new Error('reply has no URL button');
  const id = /\/_sim\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1];
  if (!id) throw new Error(`not a simulator checkout URL: ${url}`);
  return id;
}

/** Buys `productId` through Checkout and pays it in the simulator; returns the session id. */
export async function buyAndPay(
  env: PaymentsEnv,
  fan: FanProfile,
  productId: number,
  pay: { async?: boolean; saveCard?: boolean } = {},
): Promise<string> {
  const result = await env.payments.service.buy(fan, productId);
  const sessionId = sessionIdOf(result.reply);
  env.sim.control.payCheckoutSession(sessionId, pay);
  await env.sim.control.waitForDeliveries(30_000);
  return sessionId;
}

/** The fan's row and derived numbers. */
export async function fanState(db: Knex, fanId: number) {
  const user = (await db('users').where('id', fanId).first()) as Record<string, unknown>;
  const dash = (await db('user_dashboard').where('id', fanId).first()) as Record<string, unknown>;
  const grants = (await db('credit_ledger').where({ user_id: fanId, kind: 'grant' })) as unknown[];
  return {
    credits: Number(user.message_credits),
    seconds: Number(user.time_credits_seconds),
    debt: Number(user.credit_debt),
    frozen: user.is_frozen === true || user.is_frozen === 1,
    tier: user.tier as string,
    totalSpent: Number(user.total_spent_cents),
    dashboardTotal: Number(dash.total_spent),
    grants: grants.length,
  };
}

/** Outbox jobs about a fan, as `kind dedupe_key`. */
export async function outboxOf(
  db: Knex,
  fanId: number,
): Promise<Array<{ kind: string; key: string; text: string; chatId: number }>> {
  const rows = (await db('outbox').where('fan_id', fanId).orderBy('id')) as Array<{
    kind: string;
    dedupe_key: string;
    payload: string;
    chat_id: number | string;
  }>;
  return rows.map((r) => ({
    kind: r.kind,
    key: r.dedupe_key,
    text: String((JSON.parse(r.payload) as { params: { text?: string } }).params.text ?? ''),
    chatId: Number(r.chat_id),
  }));
}

/** Asserts helpers: no malformed Stripe calls. */
export function stripeViolations(env: PaymentsEnv) {
  return env.sim.control.violations();
}

/** `payments reconcile` over a database and the simulated account, as the CLI runs it. */
export async function reconcileNow(
  env: { db: Knex; stripe: StripeClient; sim: StripeSimulator },
  sinceSeconds = 3600,
) {
  const lines: string[] = [];
  const output = { out: (l = '') => lines.push(l), err: (l = '') => lines.push(l), isTTY: false };
  const summary = await reconcilePayments({
    db: env.db,
    stripe: env.stripe,
    sinceSeconds,
    nowSeconds: env.sim.control.clock.now(),
    adminChatId: ADMIN_CHAT_ID,
    ownerIds: [OWNER_ID],
    logger: silentLogger,
    output,
    templates: loadMessageCatalog(),
  });
  return { summary, lines };
}

/** `/buy<amount>` for a fan with a saved card: the payment row its Confirm button names. */
export async function quickBuyRow(
  payments: Payments,
  fan: FanProfile,
  amount: number,
): Promise<number> {
  const prompt = await payments.service.quickBuy(fan, amount);
  const confirm = prompt.reply!.buttons![0]![0] as { callbackData: string };
  return Number(confirm.callbackData.split(':')[1]);
}

/** The PaymentIntents premiumbot made for a fan from one source (`quick_buy`, `auto_recharge`). */
export function intentsOf(sim: StripeSimulator, fanId: number, source: string) {
  return sim.control
    .list<StripeObject & { metadata: Record<string, string> }>('payment_intent')
    .filter(
      (p) =>
        p.metadata.premiumbot_source === source && p.metadata.premiumbot_fan_id === String(fanId),
    );
}
