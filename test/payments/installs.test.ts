/**
 * Two premiumbots on ONE Stripe account (issue 12, item 3): Stripe sends every event of the
 * account to every endpoint, so each install must credit only its own purchases and answer
 * 200 to the other's events. Two runtimes, two databases, two install ids, one simulator,
 * the same catalog (the same Stripe prices), each with its own webhook endpoint.
 */
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { buildPayments, type Payments } from '../../src/cli/runtime/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import { MetricsRegistry } from '../../src/adapters/http/prometheus.js';
import { runtimeMetrics } from '../../src/core/metrics.js';
import type { StripeObject } from '../../src/sandbox/stripe/store.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  ADMIN_CHAT_ID,
  OWNER_ID,
  fanState,
  newFan,
  quickBuyRow,
  reconcileNow,
  sessionIdOf,
  startPaymentsEnv,
  storedInstallId,
  type PaymentsEnv,
} from './helpers.js';

const INSTALL_A = 'pb_aaaaaaaaaaaa';
const INSTALL_B = 'pb_bbbbbbbbbbbb';

interface SecondInstall {
  testDb: TestDb;
  db: Knex;
  payments: Payments;
  app: FastifyInstance;
  endpointId: string;
  products: { credits10: number; credits25: number };
  close(): Promise<void>;
}

/** A second runtime on A's simulated account: its own database, endpoint and install id. */
async function startSecondInstall(a: PaymentsEnv, installId: string): Promise<SecondInstall> {
  const testDb = await createMigratedTestDb();
  const db = testDb.db;
  // The same catalog: `products sync` pulls the same Stripe prices into B's database.
  const catalog = (await a.db('products').orderBy('id')) as Array<Record<string, unknown>>;
  for (const p of catalog) {
    await db('products').insert({
      label: p.label,
      type: p.type,
      amount: p.amount,
      price_cents: p.price_cents,
      currency: p.currency,
      stripe_product_id: p.stripe_product_id,
      stripe_price_id: p.stripe_price_id,
      active: true,
      sort: p.sort,
    });
  }
  const idOf = async (amount: number) =>
    Number(
      ((await db('products').where({ type: 'credits', amount }).first('id')) as { id: number }).id,
    );
  const secrets: string[] = [];
  const payments = buildPayments(
    {
      db,
      botUsername: 'premium_b_bot',
      adminChatId: ADMIN_CHAT_ID,
      ownerIds: [OWNER_ID],
      logger: silentLogger,
      templates: loadMessageCatalog(),
      installId: await storedInstallId(db, installId),
    },
    { stripe: a.stripe, webhookSecrets: secrets, now: () => a.sim.control.clock.nowMs() },
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
  const endpoint = a.sim.control.addEndpoint(`${address}/stripe-webhook`, [...STRIPE_EVENTS]);
  secrets.push(endpoint.secret);
  return {
    testDb,
    db,
    payments,
    app,
    endpointId: endpoint.id,
    products: { credits10: await idOf(10), credits25: await idOf(25) },
    async close() {
      await app.close();
      await testDb.destroy();
    },
  };
}

async function credits(db: Knex, fanId: number): Promise<number> {
  const row = (await db('users').where('id', fanId).first('message_credits')) as
    { message_credits: number | string } | undefined;
  return row ? Number(row.message_credits) : 0;
}

describe('two installs on one Stripe account', () => {
  let a: PaymentsEnv;
  let b: SecondInstall;
  beforeAll(async () => {
    a = await startPaymentsEnv({ installId: INSTALL_A });
    b = await startSecondInstall(a, INSTALL_B);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('each purchase is credited once, in the install that sold it; foreign events answer 200', async () => {
    // One Telegram user is a fan of both bots.
    const fan = newFan('Two');
    const sa = sessionIdOf((await a.payments.service.buy(fan, a.products.credits10)).reply);
    a.sim.control.payCheckoutSession(sa, { saveCard: true });
    await a.sim.control.waitForDeliveries(30_000);
    expect(await credits(a.db, fan.id)).toBe(10);
    expect(await credits(b.db, fan.id)).toBe(0);

    // B's first payment row has the same id as A's: its Stripe objects must not collide.
    const sb = sessionIdOf((await b.payments.service.buy(fan, b.products.credits25)).reply);
    expect(sb).not.toBe(sa);
    a.sim.control.payCheckoutSession(sb);
    await a.sim.control.waitForDeliveries(30_000);
    expect(await credits(a.db, fan.id)).toBe(10);
    expect(await credits(b.db, fan.id)).toBe(25);

    // Quick-buy with A's saved card: a PaymentIntent of A, seen by both endpoints.
    const paymentId = await quickBuyRow(a.payments, fan, 10);
    expect((await a.payments.service.confirmQuickBuy(fan, paymentId)).toast).toContain('accepted');
    await a.sim.control.waitForDeliveries(30_000);
    expect(await fanState(a.db, fan.id)).toMatchObject({ credits: 20, grants: 2 });
    expect(await fanState(b.db, fan.id)).toMatchObject({ credits: 25, grants: 1 });

    // Every object carries its install; every idempotency key starts with it.
    const sessions = a.sim.control.list<StripeObject & { metadata: Record<string, string> }>(
      'checkout.session',
    );
    expect(sessions.find((s) => s.id === sa)?.metadata.premiumbot_install).toBe(INSTALL_A);
    expect(sessions.find((s) => s.id === sb)?.metadata.premiumbot_install).toBe(INSTALL_B);
    const intents = a.sim.control.list<StripeObject & { metadata: Record<string, string> }>(
      'payment_intent',
    );
    expect(intents.length).toBeGreaterThan(0);
    for (const pi of intents)
      expect([INSTALL_A, INSTALL_B]).toContain(pi.metadata.premiumbot_install);
    const ours = /^\/v1\/(checkout\/sessions|payment_intents|customers)$/;
    const keyed = a.sim.control.requests().filter((r) => r.method === 'POST' && ours.test(r.path));
    expect(keyed.length).toBeGreaterThan(0);
    for (const r of keyed) expect(r.idempotencyKey).toMatch(/^pb_(a|b){12}-/);

    // Both endpoints got every event and answered 200 to all of them, at the first try.
    const deliveries = a.sim.control.deliveries();
    const toB = deliveries.filter((d) => d.endpointId === b.endpointId);
    const toA = deliveries.filter((d) => d.endpointId !== b.endpointId);
    expect(toB.length).toBe(toA.length);
    expect(deliveries.every((d) => d.status === 200 && d.attempt === 1)).toBe(true);
    expect(a.sim.control.violations()).toEqual([]);
  });

  it("reconcile over the other install's events applies nothing and reports no failure", async () => {
    const before = await b.db('credit_ledger').count({ n: '*' });
    const { summary } = await reconcileNow({ db: b.db, stripe: a.stripe, sim: a.sim });
    expect(summary.failed).toBe(0);
    expect(summary.applied).toBe(0);
    expect(summary.foreign).toBeGreaterThan(0);
    expect(await b.db('credit_ledger').count({ n: '*' })).toEqual(before);
  });

  it("reconcile exits cleanly when only foreign events are left: another install's, and a dispute on a charge premiumbot never made", async () => {
    const before = await b.db('credit_ledger').count({ n: '*' });
    a.sim.control.pauseDeliveries();
    // A's purchase, and a Dashboard-style charge (no premiumbot metadata) that gets disputed.
    const fan = newFan('Far');
    const sa = sessionIdOf((await a.payments.service.buy(fan, a.products.credits10)).reply);
    a.sim.control.payCheckoutSession(sa);
    const customer = a.sim.control.createCustomer({ name: 'Walk-in' });
    const card = a.sim.control.attachPaymentMethod(customer.id);
    const pi = await a.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: customer.id,
      payment_method: card.id,
      confirm: true,
      off_session: true,
    });
    a.sim.control.openDispute(pi.latest_charge as string);
    a.sim.control.dropPendingDeliveries();
    a.sim.control.resumeDeliveries();

    const { summary } = await reconcileNow({ db: b.db, stripe: a.stripe, sim: a.sim });
    expect(summary.failed).toBe(0);
    expect(summary.foreign).toBeGreaterThan(0);
    expect(await credits(b.db, fan.id)).toBe(0);
    const dispute = (await b.db('stripe_events').where('type', 'charge.dispute.created')) as Array<{
      processed_at: unknown;
    }>;
    expect(dispute).toHaveLength(1);
    expect(dispute[0]!.processed_at).not.toBeNull();
    expect(await b.db('credit_ledger').count({ n: '*' })).toEqual(before);
  });
});
