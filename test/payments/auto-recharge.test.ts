/** Auto-recharge and quick-buy: off-session charges keyed on our own rows. */
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ledgerKeys } from '../../src/core/ledger.js';
import type { FanProfile } from '../../src/core/fan.js';
import { createDb, type Db } from '../../src/adapters/db/knex.js';
import {
  buildPayments,
  type Payments,
  type PaymentsOptions,
} from '../../src/cli/runtime/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import {
  ADMIN_CHAT_ID,
  OWNER_ID,
  buyAndPay,
  fanState,
  newFan,
  outboxOf,
  startPaymentsEnv,
  storedInstallId,
  type PaymentsEnv,
} from './helpers.js';

let updateId = 500_000_000;

describe('auto-recharge and quick-buy', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  const extraDbs: Db[] = [];
  afterAll(async () => {
    await Promise.all(extraDbs.map((db) => db.destroy()));
    await env?.close();
  });

  /**
   * The payments of a second `serve` process: its own pool on the same Postgres database and
   * the same simulated Stripe account. On SQLite (one instance) it is the first instance.
   */
  async function secondInstance(options: Partial<PaymentsOptions> = {}): Promise<Payments> {
    const shared = env.testDb.dialect === 'sqlite' && Object.keys(options).length === 0;
    if (shared) return env.payments;
    // SQLite: one connection per process, so the instance shares the first one's.
    const db = env.testDb.dialect === 'sqlite' ? env.db : createDb(env.testDb.url);
    if (db !== env.db) extraDbs.push(db);
    return buildPayments(
      {
        db,
        botUsername: 'premium_test_bot',
        adminChatId: ADMIN_CHAT_ID,
        ownerIds: [OWNER_ID],
        logger: silentLogger,
        templates: loadMessageCatalog(),
        installId: await storedInstallId(env.db),
      },
      { stripe: env.stripe, webhookSecrets: env.secrets, ...options },
    );
  }

  /** A fan who bought 25 credits with auto-recharge on (card saved off-session), threshold 10. */
  async function rechargingFan(name: string): Promise<{ fan: FanProfile; customer: string }> {
    const fan = newFan(name);
    await env.payments.service.autoRecharge(fan, { type: 'on' });
    await env.payments.service.autoRecharge(fan, {
      type: 'product',
      productId: env.products.credits10,
    });
    await env.payments.service.autoRecharge(fan, { type: 'threshold', value: 10 });
    await buyAndPay(env, fan, env.products.credits25);
    const user = (await env.db('users').where('id', fan.id).first()) as Record<string, string>;
    expect(user.saved_payment_method_id).toMatch(/^pm_/);
    return { fan, customer: user.stripe_customer_id! };
  }

  /** Spends like the relay does, then tells the hook. */
  async function spend(fanId: number, cost = 1): Promise<void> {
    const result = await env.ledger.spendCredits(fanId, cost, ledgerKeys.spend(++updateId));
    await env.payments.spendObserver.onCreditsSpent(
      fanId,
      result.balance.credits + cost,
      result.balance.credits,
    );
  }

  const rechargeIntents = (fanId: number) =>
    env.sim.control
      .list<StripeObject & { metadata: Record<string, string> }>('payment_intent')
      .filter(
        (p) =>
          p.metadata.premiumbot_source === 'auto_recharge' &&
          p.metadata.premiumbot_fan_id === String(fanId),
      );

  it('crossings racing on two instances while a charge is in flight make exactly one charge; credits arrive with the webhook', async () => {
    // Two serving processes' worth of payments on one database (Postgres); SQLite runs one
    // instance, so there both sides are the same instance.
    const { fan } = await rechargingFan('Ace');
    const [a, b] = [env.payments, await secondInstance()];
    // Ten spends that each cross the threshold (10): gifts lift the balance back above it,
    // so every observer call below is a crossing and only the in-flight guard stops a charge.
    const crossings: Array<[number, number]> = [];
    for (let i = 0; i < 10; i++) {
      const { credits } = await env.ledger.balance(fan.id);
      const cost = credits - 10;
      const result = await env.ledger.spendCredits(fan.id, cost, ledgerKeys.spend(++updateId));
      crossings.push([result.balance.credits + cost, result.balance.credits]);
      if (i < 9) await env.ledger.grantCredits(fan.id, 1, `gift:${++updateId}`, { kind: 'gift' });
    }
    await Promise.all(
      crossings.map(([before, after], i) =>
        (i % 2 ? b : a).spendObserver.onCreditsSpent(fan.id, before, after),
      ),
    );
    await env.sim.control.waitForDeliveries(30_000);
    expect(rechargeIntents(fan.id)).toHaveLength(1);
    const attempts = (await env.db('auto_recharge_attempts').where('user_id', fan.id)) as Array<
      Record<string, unknown>
    >;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'succeeded' });
    expect(attempts[0]!.payment_intent_id).toBe(rechargeIntents(fan.id)[0]!.id);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 10 + 10,
      grants: 2,
      totalSpent: 1500,
    });
    const receipts = (await outboxOf(env.db, fan.id)).filter((j) => j.key.startsWith('receipt:'));
    expect(receipts).toHaveLength(2);
    // The automatic charge's receipt says it was automatic and how to turn it off.
    expect(receipts[0]!.text).toContain('Payment received');
    expect(receipts[1]!.text).toContain('charged automatically');
    expect(receipts[1]!.text).toContain('/autorecharge');
  });

  it('a crossing seen after its recharge landed charges nothing more', async () => {
    const { fan } = await rechargingFan('Late');
    const result = await env.ledger.spendCredits(fan.id, 16, ledgerKeys.spend(++updateId));
    await env.payments.spendObserver.onCreditsSpent(fan.id, 25, result.balance.credits);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 9 + 10, grants: 2 });
    // The same crossing reported again (a slow observer, another instance): balance is 19 now.
    await env.payments.spendObserver.onCreditsSpent(fan.id, 25, result.balance.credits);
    await env.sim.control.waitForDeliveries(30_000);
    expect(rechargeIntents(fan.id)).toHaveLength(1);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 19, grants: 2 });
  });

  it('a decline tells the fan why and grants nothing; after 3 failures auto-recharge turns off and admins are told', async () => {
    const { fan, customer } = await rechargingFan('Bo');
    env.sim.control.setCardBehavior(customer, 'card_declined');
    for (let i = 0; i < 3; i++) {
      // Each round crosses the threshold (to 9), then a gift lifts the balance above it again.
      const { credits } = await env.ledger.balance(fan.id);
      await spend(fan.id, credits - 9);
      await env.sim.control.waitForDeliveries(30_000);
      if (i < 2) await env.ledger.grantCredits(fan.id, 16, `gift:${++updateId}`, { kind: 'gift' });
    }
    expect(rechargeIntents(fan.id)).toHaveLength(3);
    const state = await fanState(env.db, fan.id);
    expect(state.grants).toBe(1);
    const jobs = await outboxOf(env.db, fan.id);
    const declines = jobs.filter((j) => j.key.startsWith('payfail:'));
    expect(declines).toHaveLength(3);
    expect(declines[0]!.text).toContain('the card was declined');
    expect(declines[0]!.text).toContain('/billing');
    expect(jobs.filter((j) => j.key.startsWith('recharge_off:'))).not.toHaveLength(0);
    const user = (await env.db('users').where('id', fan.id).first()) as Record<string, unknown>;
    expect(Boolean(Number(user.auto_recharge_enabled)) || user.auto_recharge_enabled === true).toBe(
      false,
    );
    expect(Number(user.auto_recharge_consecutive_failures)).toBe(3);
    const alerts = (await env
      .db('outbox')
      .where('kind', 'alert')
      .where('dedupe_key', 'like', 'recharge_off:%')) as unknown[];
    expect(alerts).toHaveLength(1);
  });

  it('authentication_required sends the fan a link to complete the payment on-session', async () => {
    const { fan, customer } = await rechargingFan('Cy');
    env.sim.control.setCardBehavior(customer, 'authentication_required');
    await spend(fan.id, 16);
    await env.sim.control.waitForDeliveries(30_000);
    const attempt = (await env
      .db('auto_recharge_attempts')
      .where('user_id', fan.id)
      .first()) as Record<string, unknown>;
    expect(attempt).toMatchObject({
      status: 'requires_action',
      failure_code: 'authentication_required',
    });
    const link = (await env
      .db('outbox')
      .where('fan_id', fan.id)
      .where('dedupe_key', 'like', 'authlink:%')
      .first()) as { payload: string };
    const params = (
      JSON.parse(link.payload) as {
        params: { text: string; reply_markup: { inline_keyboard: Array<Array<{ url: string }>> } };
      }
    ).params;
    expect(params.text).toContain('confirm');
    expect(params.reply_markup.inline_keyboard[0]![0]!.url).toMatch(/\/_sim\/checkout\/cs_/);
    expect(
      (await outboxOf(env.db, fan.id)).filter((j) => j.key.startsWith('payfail:')),
    ).toHaveLength(0);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 9, grants: 1 });
  });

  it('a lost response followed by a retry charges once (same idempotency key)', async () => {
    const { fan } = await rechargingFan('Di');
    env.sim.control.injectFault({
      path: '/v1/payment_intents',
      method: 'POST',
      kind: 'response_lost',
    });
    await spend(fan.id, 16);
    await env.sim.control.waitForDeliveries(30_000);
    expect(rechargeIntents(fan.id)).toHaveLength(1);
    const attempt = (await env
      .db('auto_recharge_attempts')
      .where('user_id', fan.id)
      .first()) as Record<string, string>;
    const calls = env.sim.control
      .requests()
      .filter(
        (r) =>
          r.method === 'POST' &&
          r.path === '/v1/payment_intents' &&
          r.idempotencyKey === attempt.idempotency_key,
      );
    expect(calls.length).toBe(2);
    expect(calls.map((c) => c.fault)).toEqual(['response_lost', null]);
    expect(calls[1]!.replayed).toBe(true);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 9 + 10, grants: 2 });
  });

  it('an auto-recharge that could not reach Stripe is retried with backoff under the same idempotency key', async () => {
    const { fan } = await rechargingFan('Gus');
    // More 5xx answers than stripe-node's own retries absorb: the charge call fails.
    env.sim.control.injectFault({
      path: '/v1/payment_intents',
      method: 'POST',
      kind: 'server_error',
      status: 503,
      times: 3,
    });
    const waits: number[] = [];
    const retrying = await secondInstance({
      stripeRetryDelaysMs: [5, 10, 20],
      wait: async (ms) => void waits.push(ms),
    });
    const result = await env.ledger.spendCredits(fan.id, 16, ledgerKeys.spend(++updateId));
    await retrying.spendObserver.onCreditsSpent(fan.id, 25, result.balance.credits);
    // The retries run in the background, so the spend is not held up by the backoff.
    await vi.waitFor(() => expect(rechargeIntents(fan.id)).toHaveLength(1), { timeout: 10_000 });
    await env.sim.control.waitForDeliveries(30_000);
    const attempt = (await env
      .db('auto_recharge_attempts')
      .where('user_id', fan.id)
      .first()) as Record<string, string>;
    const calls = env.sim.control
      .requests()
      .filter(
        (r) =>
          r.method === 'POST' &&
          r.path === '/v1/payment_intents' &&
          r.idempotencyKey?.endsWith(attempt.idempotency_key!),
      );
    expect(calls.map((c) => c.fault)).toEqual([
      'server_error',
      'server_error',
      'server_error',
      null,
    ]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(waits).toEqual([5]);
    expect(rechargeIntents(fan.id)).toHaveLength(1);
    expect(attempt.status).toBe('succeeded');
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 9 + 10, grants: 2 });
  });

  it('quick-buy: one-tap confirmation with the saved card; a double tap charges once', async () => {
    const fan = newFan('Eli');
    const noCard = await env.payments.service.quickBuy(fan, 10);
    expect(noCard.reply?.buttons?.[0]?.[0]).toMatchObject({
      url: expect.stringMatching(/checkout/),
    });
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const prompt = await env.payments.service.quickBuy(fan, 10);
    expect(prompt.reply?.text).toBe('Charge $5.00 to Visa •••• 4242 for 10 credits?');
    const confirm = prompt.reply!.buttons![0]![0] as { callbackData: string };
    const paymentId = Number(confirm.callbackData.split(':')[1]);
    const [a, b] = await Promise.all([
      env.payments.service.confirmQuickBuy(fan, paymentId),
      env.payments.service.confirmQuickBuy(fan, paymentId),
    ]);
    // Whichever tap claims the row first is accepted; the other is told it is in progress.
    const toasts = [a.toast, b.toast].map(String);
    expect(toasts.filter((toast) => toast.includes('accepted'))).toHaveLength(1);
    expect(
      toasts.filter((toast) => /already being processed|Already paid/.test(toast)),
    ).toHaveLength(1);
    await env.sim.control.waitForDeliveries(30_000);
    const intents = env.sim.control
      .list<StripeObject & { metadata: Record<string, string> }>('payment_intent')
      .filter(
        (p) =>
          p.metadata.premiumbot_source === 'quick_buy' &&
          p.metadata.premiumbot_fan_id === String(fan.id),
      );
    expect(intents).toHaveLength(1);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 20,
      grants: 2,
      totalSpent: 1000,
    });
    expect((await env.payments.service.confirmQuickBuy(fan, paymentId)).toast).toContain(
      'Already paid',
    );
    const none = await env.payments.service.quickBuy(fan, 7);
    expect(none.reply?.text).toContain('/buy10');
  });

  it('a card removed in the portal (payment_method.detached) is no longer offered for quick-buy', async () => {
    const fan = newFan('Rem');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const before = await env.payments.service.quickBuy(fan, 10);
    expect(before.reply?.text).toBe('Charge $5.00 to Visa •••• 4242 for 10 credits?');
    const user = (await env.db('users').where('id', fan.id).first()) as Record<string, string>;
    // What the portal does when the fan removes the card.
    await env.stripe.paymentMethods.detach(user.saved_payment_method_id!);
    await env.sim.control.waitForDeliveries(30_000);
    const after = (await env.db('users').where('id', fan.id).first()) as Record<string, unknown>;
    expect(after.saved_payment_method_id).toBeNull();
    const offer = await env.payments.service.quickBuy(fan, 10);
    expect(offer.reply?.buttons?.[0]?.[0]).toMatchObject({
      url: expect.stringMatching(/checkout/),
    });
    const detached = env.sim.control
      .deliveries()
      .filter((d) => d.eventType === 'payment_method.detached');
    expect(detached.length).toBeGreaterThan(0);
    expect(detached.every((d) => d.status === 200)).toBe(true);
  });

  it('/billing opens the portal, or explains when there is no billing profile yet', async () => {
    const fan = newFan('Flo');
    expect((await env.payments.service.billing(fan)).reply?.text).toContain('first purchase');
    await buyAndPay(env, fan, env.products.credits10);
    const billing = await env.payments.service.billing(fan);
    expect(billing.reply?.buttons?.[0]?.[0]).toMatchObject({
      url: expect.stringContaining('http'),
    });
    expect(env.sim.control.violations()).toEqual([]);
  });
});
