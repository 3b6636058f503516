import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject, StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { loadStripeFixtures, startSimulator } from './helpers.js';

const fixtures = loadStripeFixtures();
if (!fixtures) {
  console.log(
    '[stripe simulator] stripe-openapi-fixtures3.json not found (set PREMIUMBOT_SPEC_DIR): the shape cross-check against Stripe fixtures is not run.',
  );
}

let sim: StripeSimulator;
let stripe: Stripe;
const responses: StripeObject[] = [];

/** Every resource type the simulator can return. */
const types = [
  'customer',
  'product',
  'price',
  'checkout.session',
  'item',
  'billing_portal.session',
  'payment_intent',
  'payment_method',
  'charge',
  'refund',
  'dispute',
  'event',
  'webhook_endpoint',
];

/** Top-level keys; a payment method's type-specific hash (`us_bank_account`…) stands where `card` does. */
function keysOf(obj: Record<string, unknown>): string[] {
  return Object.keys(obj)
    .map((k) => (obj.object === 'payment_method' && k === obj.type ? 'card' : k))
    .sort();
}

beforeAll(async () => {
  ({ sim, stripe } = await startSimulator());
  const keep = <T>(obj: T): T => {
    responses.push(obj as unknown as StripeObject);
    return obj;
  };
  const customer = keep(await stripe.customers.create({ email: 'shape@example.com' }));
  const product = keep(
    await stripe.products.create({ name: 'Shape', metadata: { premiumbot_type: 'credits' } }),
  );
  const price = keep(
    await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 }),
  );
  const session = keep(
    await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [
        { price: price.id, quantity: 1 },
        {
          price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'Tip' } },
          quantity: 1,
        },
      ],
      success_url: 'https://bot.example/ok',
      payment_intent_data: { setup_future_usage: 'off_session' },
    }),
  );
  for (const item of (await stripe.checkout.sessions.listLineItems(session.id)).data) keep(item);
  sim.control.payCheckoutSession(session.id);
  const asyncSession = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
    customer_creation: 'always',
  });
  sim.control.payCheckoutSession(asyncSession.id, { async: true });
  const declined = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
  });
  sim.control.payCheckoutSession(declined.id, { fail: true });
  await stripe.checkout.sessions.expire(declined.id);
  keep(await stripe.billingPortal.sessions.create({ customer: customer.id }));
  const pi = keep(
    await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    }),
  );
  keep(await stripe.paymentIntents.create({ amount: 900, currency: 'usd' }));
  keep(await stripe.refunds.create({ payment_intent: pi.id, amount: 100 }));
  // Since 2022-11-15 a charge lists its refunds only when expanded; the fixture shows them.
  keep(await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['refunds'] }));
  const dispute = sim.control.openDispute(pi.latest_charge as string);
  keep(await stripe.disputes.retrieve(dispute.id));
  sim.control.closeDispute(dispute.id, 'lost');
  keep(await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id }));
  const endpoint = await stripe.webhookEndpoints.create({
    url: 'https://bot.example/hook',
    enabled_events: ['*'],
  });
  keep(await stripe.webhookEndpoints.retrieve(endpoint.id));
  for (const event of (await stripe.events.list({ limit: 100 })).data) keep(event);
});

afterAll(async () => {
  await sim.close();
});

describe('object shapes', () => {
  it('produces every resource type it claims', () => {
    for (const type of types) {
      if (type === 'item') continue;
      expect(sim.control.list(type).length, type).toBeGreaterThan(0);
    }
    expect(responses.some((r) => r.object === 'item')).toBe(true);
  });

  it.each(types)('%s has the top-level keys of the Stripe fixture', (type) => {
    const objects = [...sim.control.list(type), ...responses.filter((r) => r.object === type)];
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      expect(obj.object).toBe(type);
      // Items and refunds carry no `livemode` in Stripe's schema.
      if ('livemode' in obj) expect(obj.livemode).toBe(false);
      // Only the simulator's own clock writes `created` (real time here).
      if ('created' in obj)
        expect(Math.abs((obj.created as number) - Date.now() / 1000)).toBeLessThan(3600);
    }
    if (!fixtures) return;
    const expected = keysOf(fixtures[type] as Record<string, unknown>);
    for (const obj of objects) expect(keysOf(obj), `${type} ${obj.id}`).toEqual(expected);
  });

  it('ids look like Stripe test-mode ids', () => {
    const prefixes: Record<string, RegExp> = {
      customer: /^cus_\w{14}$/,
      product: /^prod_\w{14}$/,
      price: /^price_\w{24}$/,
      'checkout.session': /^cs_test_a1\w{56}$/,
      payment_intent: /^pi_\w{24}$/,
      payment_method: /^pm_\w{24}$/,
      charge: /^ch_\w{24}$/,
      refund: /^re_\w{24}$/,
      dispute: /^dp_\w{24}$/,
      event: /^evt_\w{24}$/,
      webhook_endpoint: /^we_\w{24}$/,
      'billing_portal.session': /^bps_\w{24}$/,
    };
    for (const [type, pattern] of Object.entries(prefixes)) {
      for (const obj of sim.control.list(type)) expect(obj.id).toMatch(pattern);
    }
  });

  it('events carry the fixture shape plus request and api_version', () => {
    const events = sim.control.events();
    const fromApi = events.find((e) => e.type === 'customer.created');
    expect(fromApi?.request.id).toMatch(/^req_/);
    const fromAction = events.find((e) => e.type === 'checkout.session.completed');
    expect(fromAction?.request).toEqual({ id: null, idempotency_key: null });
    expect(fromAction?.api_version).toBe(Stripe.API_VERSION);
    const closed = events.find((e) => e.type === 'charge.dispute.closed');
    expect(closed?.data.previous_attributes).toEqual({ status: 'needs_response' });
  });

  it('a webhook endpoint shows its secret at creation only', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: 'https://bot.example/other',
      enabled_events: ['charge.refunded'],
    });
    expect(Object.keys(created)).toContain('secret');
    if (fixtures) {
      const {
        secret: _secret,
        lastResponse: _lr,
        ...rest
      } = created as unknown as Record<string, unknown>;
      expect(keysOf(rest)).toEqual(keysOf(fixtures.webhook_endpoint as Record<string, unknown>));
    }
  });
});
