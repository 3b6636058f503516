/** Buying through Checkout against the Stripe simulator, with webhooks delivered over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import {
  ADMIN_CHAT_ID,
  buyAndPay,
  fanState,
  newFan,
  outboxOf,
  sessionIdOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('Checkout purchases', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('buy → pay grants credits once, with one receipt and one sale note; the dashboard agrees', async () => {
    const fan = newFan('Bea');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    const state = await fanState(env.db, fan.id);
    expect(state).toMatchObject({ credits: 10, grants: 1, totalSpent: 500, dashboardTotal: 500 });
    const jobs = await outboxOf(env.db, fan.id);
    expect(jobs.filter((j) => j.key === `receipt:${sessionId}`)).toHaveLength(1);
    expect(jobs.filter((j) => j.key === `sale:${sessionId}`)).toHaveLength(1);
    const receipt = jobs.find((j) => j.key === `receipt:${sessionId}`)!;
    expect(receipt.chatId).toBe(fan.id);
    expect(receipt.text).toContain('$5.00');
    expect(receipt.text).toContain('10 credits');
    expect(jobs.find((j) => j.key === `sale:${sessionId}`)!.chatId).toBe(ADMIN_CHAT_ID);

    const tx = (await env
      .db('transactions')
      .where('checkout_session_id', sessionId)
      .first()) as Record<string, unknown>;
    expect(tx).toMatchObject({
      status: 'paid',
      amount_paid_usd_cents: 500,
      currency: 'usd',
      source: 'checkout',
    });
    expect(tx.payment_intent_id).toMatch(/^pi_/);

    // The session: one customer per fan, metadata, client reference, deep links back to the bot.
    const session = env.sim.control.get<StripeObject & Record<string, unknown>>(sessionId)!;
    expect(session.client_reference_id).toBe(String(fan.id));
    expect(session.metadata).toMatchObject({
      premiumbot_fan_id: String(fan.id),
      premiumbot_product_id: String(env.products.credits10),
    });
    expect(String(session.success_url)).toMatch(
      /^https:\/\/t\.me\/premium_test_bot\?start=paid_\d+$/,
    );
    expect(String(session.cancel_url)).toMatch(
      /^https:\/\/t\.me\/premium_test_bot\?start=cancel_\d+$/,
    );
    const user = (await env.db('users').where('id', fan.id).first()) as {
      stripe_customer_id: string;
    };
    expect(session.customer).toBe(user.stripe_customer_id);

    // A second purchase reuses the customer.
    await buyAndPay(env, fan, env.products.credits10);
    const customers = env.sim.control
      .list<StripeObject & Record<string, unknown>>('customer')
      .filter((c) => (c.metadata as Record<string, string>).premiumbot_fan_id === String(fan.id));
    expect(customers).toHaveLength(1);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 20,
      grants: 2,
      totalSpent: 1000,
      dashboardTotal: 1000,
    });
    expect(env.sim.control.violations()).toEqual([]);
  });

  it('expires an older open session for the same fan and product', async () => {
    const fan = newFan('Cleo');
    const first = sessionIdOf((await env.payments.service.buy(fan, env.products.credits25)).reply);
    const other = sessionIdOf((await env.payments.service.buy(fan, env.products.credits10)).reply);
    const second = sessionIdOf((await env.payments.service.buy(fan, env.products.credits25)).reply);
    expect(env.sim.control.get<StripeObject & { status: string }>(first)!.status).toBe('expired');
    expect(env.sim.control.get<StripeObject & { status: string }>(other)!.status).toBe('open');
    expect(env.sim.control.get<StripeObject & { status: string }>(second)!.status).toBe('open');
    const rows = (await env.db('transactions').where('checkout_session_id', first).first()) as {
      status: string;
    };
    expect(rows.status).toBe('expired');
  });

  it('saves the card when the fan ticks the box and tells them', async () => {
    const fan = newFan('Dora');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const user = (await env.db('users').where('id', fan.id).first()) as Record<string, unknown>;
    expect(user.saved_payment_method_id).toMatch(/^pm_/);
    expect(user.saved_card_last4).toBe('4242');
    const jobs = await outboxOf(env.db, fan.id);
    expect(jobs.filter((j) => j.key.startsWith('card:'))).toHaveLength(1);
    expect(jobs.find((j) => j.key.startsWith('card:'))!.text).toContain('Visa •••• 4242');
  });

  it('an asynchronous payment is credited once: completed (unpaid) + async_payment_succeeded', async () => {
    const fan = newFan('Eve');
    const sessionId = await buyAndPay(env, fan, env.products.credits10, { async: true });
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 0, grants: 0 });
    expect((await outboxOf(env.db, fan.id)).map((j) => j.key)).toContain(`processing:${sessionId}`);
    env.sim.control.settleAsync(sessionId, true);
    await env.sim.control.waitForDeliveries(30_000);
    // Stripe may send either event again: nothing more is granted.
    const events = env.sim.control
      .events()
      .filter((e) => (e.data.object as { id?: string }).id === sessionId);
    expect(events.map((e) => e.type)).toEqual([
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
    ]);
    for (const e of events) env.sim.control.redeliver(e.id, { times: 2 });
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 10,
      grants: 1,
      totalSpent: 500,
    });
    expect(
      (await outboxOf(env.db, fan.id)).filter((j) => j.key.startsWith('receipt:')),
    ).toHaveLength(1);
  });

  it('a failed asynchronous payment grants nothing and tells the fan', async () => {
    const fan = newFan('Fay');
    const sessionId = await buyAndPay(env, fan, env.products.credits10, { async: true });
    env.sim.control.settleAsync(sessionId, false);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 0, grants: 0, totalSpent: 0 });
    expect((await outboxOf(env.db, fan.id)).map((j) => j.key)).toContain(`failed:${sessionId}`);
  });

  it('the same checkout.session.completed delivered 1,000 times concurrently grants once, without a 5xx', async () => {
    const fan = newFan('Gia');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    const event = env.sim.control
      .events()
      .find(
        (e) =>
          e.type === 'checkout.session.completed' &&
          (e.data.object as { id: string }).id === sessionId,
      )!;
    const before = env.sim.control.deliveries().length;
    expect(env.sim.control.redeliver(event.id, { times: 1000, concurrent: true })).toBe(1000);
    await env.sim.control.waitForDeliveries(120_000);
    const attempts = env.sim.control.deliveries().slice(before);
    expect(attempts).toHaveLength(1000);
    expect(attempts.filter((a) => a.status !== 200).map((a) => a.status ?? a.error)).toEqual([]);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(
      (await outboxOf(env.db, fan.id)).filter((j) => j.key.startsWith('receipt:')),
    ).toHaveLength(1);
  });

  it('time passes bank pass seconds', async () => {
    const fan = newFan('Hal');
    await buyAndPay(env, fan, env.products.hour);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 0,
      seconds: 3600,
      totalSpent: 1500,
    });
  });
});
