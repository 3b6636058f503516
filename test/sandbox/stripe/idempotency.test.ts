import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { startSimulator, stripeFor } from './helpers.js';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ sim, stripe } = await startSimulator());
});
afterAll(async () => {
  await sim.close();
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and params, creating nothing new', async () => {
    const first = await stripe.customers.create(
      { email: 'idem@example.com' },
      { idempotencyKey: 'customer:42' },
    );
    const second = await stripe.customers.create(
      { email: 'idem@example.com' },
      { idempotencyKey: 'customer:42' },
    );
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list({ email: 'idem@example.com' })).data).toHaveLength(1);
    expect(sim.control.list('customer').filter((c) => c.email === 'idem@example.com')).toHaveLength(
      1,
    );
  });

  it('rejects the same key with other params as StripeIdempotencyError', async () => {
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'customer:43' });
    const err = await stripe.customers
      .create({ email: 'b@example.com' }, { idempotencyKey: 'customer:43' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((err as Error).message).toMatch(
      /^Keys for idempotent requests can only be used with the same parameters they were first used with/,
    );
    await expect(
      stripe.products.create({ name: 'x' }, { idempotencyKey: 'customer:43' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('replays a card decline too, without charging again', async () => {
    const customer = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_chargeDeclined', {
      customer: customer.id,
    });
    const params = {
      amount: 500,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
    };
    const a = await stripe.paymentIntents
      .create(params, { idempotencyKey: 'recharge:1' })
      .catch((e: unknown) => e);
    const b = await stripe.paymentIntents
      .create(params, { idempotencyKey: 'recharge:1' })
      .catch((e: unknown) => e);
    expect(a).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((b as Stripe.errors.StripeCardError).payment_intent?.id).toBe(
      (a as Stripe.errors.StripeCardError).payment_intent?.id,
    );
    expect((await stripe.paymentIntents.list({ customer: customer.id })).data).toHaveLength(1);
  });

  it('does not store validation failures: the key can be used again once the params are right', async () => {
    await expect(
      stripe.customers.create({ emial: 'x' } as never, { idempotencyKey: 'fix-me' }),
    ).rejects.toMatchObject({
      param: 'emial',
    });
    const ok = await stripe.customers.create(
      { email: 'x@example.com' },
      { idempotencyKey: 'fix-me' },
    );
    expect(ok.email).toBe('x@example.com');
  });
});

describe('fault injection', () => {
  it('loses a response after creating the object; the retry with the same key gets the same object', async () => {
    const before = sim.control.list('payment_intent').length;
    sim.control.injectFault({ path: '/v1/payment_intents', method: 'POST', kind: 'response_lost' });
    // stripe-node retries a reset connection once even with maxNetworkRetries 0, with the same key.
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: 'usd' });
    expect(sim.control.list('payment_intent').length).toBe(before + 1);
    const calls = sim.control
      .requests()
      .filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST')
      .slice(-2);
    expect(calls.map((c) => c.fault)).toEqual(['response_lost', null]);
    expect(calls[1]?.replayed).toBe(true);
    expect(calls[0]?.idempotencyKey).toBe(calls[1]?.idempotencyKey);
    expect(pi.id).toBe(sim.control.list('payment_intent')[0]?.id);
  });

  it('a lost response without retries surfaces as a connection error, and the object exists', async () => {
    const before = sim.control.list('customer').length;
    sim.control.injectFault({ path: '/v1/customers', kind: 'response_lost', times: 2 });
    await expect(stripe.customers.create({ email: 'lost@example.com' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeConnectionError,
    );
    expect(sim.control.list('customer').length).toBe(before + 1);
  });

  it('injects 5xx before processing; stripe-node with retries recovers', async () => {
    sim.control.injectFault({ path: /^\/v1\/products$/, kind: 'server_error', status: 503 });
    const plain = stripeFor(sim);
    await expect(plain.products.create({ name: 'boom' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAPIError,
    );
    expect(sim.control.list('product').filter((p) => p.name === 'boom')).toHaveLength(0);

    sim.control.injectFault({ path: '/v1/products', kind: 'server_error' });
    const retrying = new Stripe('sk_test_retry', {
      ...sim.clientOptions(),
      apiVersion: Stripe.API_VERSION,
      maxNetworkRetries: 2,
    });
    const product = await retrying.products.create({ name: 'retried' });
    expect(product.name).toBe('retried');
    expect(sim.control.list('product').filter((p) => p.name === 'retried')).toHaveLength(1);
  });
});
