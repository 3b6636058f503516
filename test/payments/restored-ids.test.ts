/**
 * Row ids reused after a restore (issue 12, item 3): an event of a payment made after the
 * backup names our row by id (`premiumbot_payment_id`), but after the restore that id may
 * belong to another payment of the same fan. The row is only ours when its Stripe ids agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanState, newFan, sessionIdOf, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

describe('payment row ids reused after a restore', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('an event naming a reused row id fulfils its own payment, not the row that took the id', async () => {
    const fan = newFan('Rex');
    env.sim.control.pauseDeliveries();
    const paid = sessionIdOf((await env.payments.service.buy(fan, env.products.credits10)).reply);
    env.sim.control.payCheckoutSession(paid);
    const row = (await env.db('transactions').where('checkout_session_id', paid).first()) as {
      id: number;
    };
    // The restore: the backup predates that payment, and the id went to another one of the fan.
    await env.db('transactions').where('id', row.id).delete();
    await env.db('transactions').insert({
      id: row.id,
      user_id: fan.id,
      product_id: env.products.credits25,
      source: 'checkout',
      currency: 'usd',
      checkout_session_id: 'cs_test_after_restore',
      status: 'pending',
      created_at: new Date(),
      updated_at: new Date(),
    });
    env.sim.control.resumeDeliveries();
    await env.sim.control.waitForDeliveries(30_000);

    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(await env.db('transactions').where('id', row.id).first()).toMatchObject({
      checkout_session_id: 'cs_test_after_restore',
      status: 'pending',
    });
    expect(await env.db('transactions').where('checkout_session_id', paid).first()).toMatchObject({
      status: 'paid',
      amount_paid_usd_cents: 500,
    });
  });
});
