/** A card removed in the billing portal (`payment_method.detached`) is no longer offered. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyAndPay, newFan, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

describe('payment_method.detached', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a card removed in the portal is no longer offered for quick-buy', async () => {
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
    expect(env.sim.control.violations()).toEqual([]);
  });
});
