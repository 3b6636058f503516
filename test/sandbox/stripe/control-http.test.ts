import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { startReceiver, startSimulator, type JsonBody } from './helpers.js';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ sim, stripe } = await startSimulator());
});
afterAll(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.apiBase}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as JsonBody,
  };
}

describe('HTTP control API (/_sim)', () => {
  it('answers CORS preflights for browsers', async () => {
    const res = await fetch(`${sim.apiBase}/_sim/checkout/sessions/x/pay`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('drives the same actions as the in-process control', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await call('POST', '/_sim/webhook_endpoints', {
        url: receiver.url,
        events: ['checkout.session.completed'],
      });
      expect(hook.body.secret).toMatch(/^whsec_/);
      const product = await stripe.products.create({ name: 'web' });
      const price = await stripe.prices.create({
        product: product.id,
        currency: 'eur',
        unit_amount: 250,
      });
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: price.id, quantity: 1 }],
      });

      const page = await fetch(`${sim.apiBase}/_sim/checkout/${session.id}`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('€2.50');

      const paid = await call('POST', `/_sim/checkout/sessions/${session.id}/pay`, {
        card: { brand: 'visa', last4: '1111' },
      });
      expect(paid.status).toBe(200);
      expect(paid.body.session.status).toBe('complete');
      expect(paid.body.paymentMethod.card.last4).toBe('1111');
      const again = await call('POST', `/_sim/checkout/sessions/${session.id}/pay`, {});
      expect(again.status).toBe(409);

      const refund = await call('POST', '/_sim/refunds', {
        target: paid.body.paymentIntent.id,
        amount: 50,
      });
      expect(refund.body).toMatchObject({ object: 'refund', amount: 50 });
      const dispute = await call('POST', '/_sim/disputes', { charge: paid.body.charge.id });
      const closed = await call('POST', `/_sim/disputes/${dispute.body.id}/close`, {
        outcome: 'lost',
      });
      expect(closed.body.status).toBe('lost');

      const flushed = await call('POST', '/_sim/deliveries/flush');
      expect(flushed.body).toEqual({ flushed: true });
      expect(receiver.received).toHaveLength(1);
      const deliveries = await call('GET', '/_sim/deliveries');
      expect(deliveries.body).toHaveLength(1);

      const clock = await call('POST', '/_sim/clock/advance', { seconds: 3600 });
      expect(clock.body.now).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 3599);

      const state = await call('GET', '/_sim/state');
      expect(state.body.objects).toMatchObject({ 'checkout.session': 1, refund: 1, dispute: 1 });
    } finally {
      await receiver.close();
    }
  });

  it('injects faults and reports bad control input', async () => {
    const fault = await call('POST', '/_sim/faults', {
      path: '/v1/customers',
      kind: 'server_error',
      status: 502,
    });
    expect(fault.status).toBe(200);
    await expect(stripe.customers.create({})).rejects.toMatchObject({ statusCode: 502 });
    const bad = await call('POST', '/_sim/card_behaviors', {
      target: 'cus_x',
      behavior: 'explode',
    });
    expect(bad.status).toBe(400);
    const unknown = await call('POST', '/_sim/card_behaviors', {
      target: 'cus_missing',
      behavior: 'succeed',
    });
    expect(unknown.status).toBe(404);
    const violations = await call('GET', '/_sim/violations');
    expect(violations.body).toEqual([]);
    expect((await call('GET', '/_sim/nope')).status).toBe(404);
  });

  it('GET /_sim/ lists every route with what it does, its body and an example it accepts', async () => {
    const listing = await call('GET', '/_sim/');
    const routes = listing.body.routes as {
      call: string;
      about: string;
      args?: string;
      example?: Record<string, unknown>;
    }[];
    expect(routes.map((r) => r.call)).toEqual(
      expect.arrayContaining(['POST /_sim/refunds', 'POST /_sim/disputes', 'GET /_sim/objects']),
    );
    expect(routes.every((r) => r.about.length > 0)).toBe(true);
    const refund = routes.find((r) => r.call === 'POST /_sim/refunds');
    expect(refund).toMatchObject({
      args: '{ target: string, amount?: integer }',
      example: { target: expect.stringMatching(/^ch_/) },
    });
    // Every example passes its route's body check (answers anything but a 400 about the body).
    for (const route of routes.filter((r) => r.example !== undefined)) {
      const [method, path] = route.call.split(' ') as [string, string];
      const res = await call(method, path.replace(':id', 'x'), route.example);
      expect(String((res.body.error as { message?: string })?.message ?? '')).not.toMatch(
        /: (Required|Invalid|Unrecognized)|expected/i,
      );
    }
  });

  it('the billing portal page lists saved cards and removes one (payment_method.detached)', async () => {
    const customer = await stripe.customers.create({ email: 'portal@example.com' });
    const saved = await call('POST', `/_sim/customers/${customer.id}/payment_methods`, {
      brand: 'visa',
      last4: '4242',
    });
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'https://t.me/premium_bot',
    });
    const page = await fetch(portal.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('visa •••• 4242');
    expect(html).toContain(`data-pm="${saved.body.id as string}"`);
    expect(html).toContain('href="https://t.me/premium_bot"');
    const removed = await call('POST', `/_sim/payment_methods/${saved.body.id as string}/detach`);
    expect(removed.body).toMatchObject({ id: saved.body.id, customer: null });
    expect(await (await fetch(portal.url)).text()).toContain('No saved cards.');
    const events = sim.control.events().map((e) => e.type);
    expect(events).toContain('payment_method.detached');
    const again = await call('POST', `/_sim/payment_methods/${saved.body.id as string}/detach`);
    expect(again.status).toBe(400);
  });
});
