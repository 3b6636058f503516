/**
 * Quick-buy charges once, ever (issue 12, item 5): Confirm pressed again after Stripe's
 * 24-hour idempotency window, while the row is still pending because no webhook arrived,
 * must not create a second PaymentIntent; reconcile then settles the one charge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../src/sandbox/stripe/store.js';
import {
  buyAndPay,
  fanState,
  intentsOf,
  newFan,
  quickBuyRow,
  reconcileNow,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('quick-buy charges once, ever', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('Confirm, 25 simulated hours without webhook, Confirm again → one PaymentIntent', async () => {
    const fan = newFan('Once');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const paymentId = await quickBuyRow(env.payments, fan, 10);

    env.sim.control.pauseDeliveries();
    expect((await env.payments.service.confirmQuickBuy(fan, paymentId)).toast).toContain(
      'accepted',
    );
    env.sim.control.clock.advance(25 * 3600);
    const again = await env.payments.service.confirmQuickBuy(fan, paymentId);
    expect(again.toast).toBe(
      'This payment is already being processed — your credits arrive as soon as the bank confirms it.',
    );
    expect(intentsOf(env.sim, fan.id, 'quick_buy')).toHaveLength(1);

    // The outage ends without redelivery: reconcile settles the one charge, once.
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    const { summary } = await reconcileNow(env, 3 * 86_400);
    expect(summary.failed).toBe(0);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 20, grants: 2 });
    expect((await env.payments.service.confirmQuickBuy(fan, paymentId)).toast).toContain(
      'Already paid',
    );
    expect(env.sim.control.violations()).toEqual([]);
  });

  it('a Confirm whose answer never came back is not charged again days later', async () => {
    const fan = newFan('Lost');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const paymentId = await quickBuyRow(env.payments, fan, 10);

    env.sim.control.pauseDeliveries();
    // Stripe creates the PaymentIntent, but neither the call nor stripe-node's two retries get an answer.
    env.sim.control.injectFault({
      path: '/v1/payment_intents',
      method: 'POST',
      kind: 'response_lost',
      times: 3,
    });
    await expect(env.payments.service.confirmQuickBuy(fan, paymentId)).rejects.toThrow();
    const row = (await env.db('transactions').where('id', paymentId).first()) as {
      payment_intent_id: string | null;
    };
    expect(row.payment_intent_id).toBeNull();
    env.sim.control.clock.advance(25 * 3600);
    expect((await env.payments.service.confirmQuickBuy(fan, paymentId)).toast).toContain(
      'already being processed',
    );
    const intents = env.sim.control
      .list<StripeObject & { metadata: Record<string, string> }>('payment_intent')
      .filter((p) => p.metadata.premiumbot_payment_id === String(paymentId));
    expect(intents).toHaveLength(1);
    env.sim.control.resumeDeliveries();
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 20, grants: 2 });
  });
});
