import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_VERSION, type StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { startSimulator, stripeFor, type JsonBody } from './helpers.js';

let sim: StripeSimulator;
let stripe: Stripe;

beforeAll(async () => {
  ({ sim, stripe } = await startSimulator());
});
afterAll(async () => {
  await sim.close();
});

async function raw(
  method: string,
  path: string,
  init: { body?: string; auth?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (init.auth !== null) headers.authorization = init.auth ?? 'Bearer sk_test_raw';
  const res = await fetch(`${sim.apiBase}${path}`, { method, headers, body: init.body });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as JsonBody,
  };
}

describe('the simulator as stripe-node 23.1.0 sees it', () => {
  it('pins the API version stripe-node pins', () => {
    expect(DEFAULT_API_VERSION).toBe(Stripe.API_VERSION);
  });

  it('creates, retrieves, updates and lists customers by email', async () => {
    const created = await stripe.customers.create({
      email: 'fan@example.com',
      metadata: { telegram_id: '42' },
    });
    expect(created).toMatchObject({
      object: 'customer',
      livemode: false,
      email: 'fan@example.com',
      metadata: { telegram_id: '42' },
    });
    expect(created.id).toMatch(/^cus_/);
    await stripe.customers.create({ email: 'other@example.com' });
    const updated = await stripe.customers.update(created.id, {
      name: 'Fan',
      metadata: { telegram_id: '' },
    });
    expect(updated.name).toBe('Fan');
    expect(updated.metadata).toEqual({});
    expect((await stripe.customers.retrieve(created.id)).id).toBe(created.id);
    const listed = await stripe.customers.list({ email: 'fan@example.com' });
    expect(listed.data.map((c) => c.id)).toEqual([created.id]);
    const found = await stripe.customers.search({ query: "email:'other@example.com'" });
    expect(found.data).toHaveLength(1);
  });

  it('creates products and prices, filters and paginates them, archives a price', async () => {
    const ids: string[] = [];
    for (const amount of [10, 20, 30]) {
      const product = await stripe.products.create({
        name: `${amount} credits`,
        metadata: { premiumbot_type: 'credits', premiumbot_amount: String(amount) },
      });
      const price = await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: amount * 50,
        lookup_key: `credits_${amount}`,
      });
      expect(price.id).toMatch(/^price_/);
      ids.push(price.id);
    }
    await stripe.products.create({ name: 'Not ours' });

    const page1 = await stripe.prices.list({ limit: 2, active: true, expand: ['data.product'] });
    expect(page1.has_more).toBe(true);
    expect(page1.data.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    expect((page1.data[0]?.product as Stripe.Product).object).toBe('product');
    const page2 = await stripe.prices.list({
      limit: 2,
      active: true,
      starting_after: page1.data[1]?.id,
    });
    expect(page2.data.map((p) => p.id)).toEqual([ids[0]]);
    expect(page2.has_more).toBe(false);
    const back = await stripe.prices.list({ limit: 2, ending_before: ids[0] });
    expect(back.data.map((p) => p.id)).toEqual([ids[2], ids[1]]);

    const auto: string[] = [];
    for await (const price of stripe.prices.list({ limit: 1 })) auto.push(price.id);
    expect(auto).toEqual([ids[2], ids[1], ids[0]]);

    const byKey = await stripe.prices.list({ lookup_keys: ['credits_20'] });
    expect(byKey.data.map((p) => p.id)).toEqual([ids[1]]);

    const ours = await stripe.products.search({ query: "metadata['premiumbot_type']:'credits'" });
    expect(ours.data.map((p) => p.metadata.premiumbot_amount).sort()).toEqual(['10', '20', '30']);

    const archived = await stripe.prices.update(ids[0] as string, {
      active: false,
      metadata: { archived_by: 'sync' },
    });
    expect(archived).toMatchObject({ active: false, metadata: { archived_by: 'sync' } });
    const active = await stripe.prices.list({ active: true, limit: 100 });
    expect(active.data.map((p) => p.id)).not.toContain(ids[0]);
  });

  it('creates, retrieves, lists line items of and expires a Checkout Session', async () => {
    const product = await stripe.products.create({ name: '1 hour chat' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1500,
    });
    const customer = await stripe.customers.create({ email: 'buyer@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 2 }],
      customer: customer.id,
      client_reference_id: '42',
      metadata: { fan_id: '42', product_id: '7' },
      success_url: 'https://bot.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://bot.example/cancel',
      payment_intent_data: { setup_future_usage: 'off_session', metadata: { fan_id: '42' } },
      saved_payment_method_options: { payment_method_save: 'enabled' },
      allowed_payment_method_types: ['card'],
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 3000,
      currency: 'usd',
      customer: customer.id,
      client_reference_id: '42',
      payment_intent: null,
      success_url: 'https://bot.example/success?session_id={CHECKOUT_SESSION_ID}',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toContain(session.id);
    const again = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(again.line_items?.data[0]?.quantity).toBe(2);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({
      object: 'item',
      amount_total: 3000,
      quantity: 2,
      description: '1 hour chat',
    });
    const listed = await stripe.checkout.sessions.list({ customer: customer.id });
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe('expired');
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'checkout_session_unexpected_state',
    });
  });

  it('creates a billing portal session', async () => {
    const customer = await stripe.customers.create({ email: 'portal@example.com' });
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'https://t.me/premiumbot',
    });
    expect(portal).toMatchObject({
      object: 'billing_portal.session',
      customer: customer.id,
      return_url: 'https://t.me/premiumbot',
    });
    expect(portal.id).toMatch(/^bps_/);
  });

  it('charges a saved card off-session, and a declined one fails with StripeCardError', async () => {
    const customer = await stripe.customers.create({ email: 'auto@example.com' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(pm).toMatchObject({
      customer: customer.id,
      type: 'card',
      card: { brand: 'visa', last4: '4242' },
    });
    const listed = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(listed.data.map((p) => p.id)).toEqual([pm.id]);
    const viaTop = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(viaTop.data.map((p) => p.id)).toEqual([pm.id]);

    const ok = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
      metadata: { reason: 'auto_recharge' },
    });
    expect(ok).toMatchObject({ status: 'succeeded', amount_received: 500, payment_method: pm.id });
    expect(ok.latest_charge).toMatch(/^ch_/);
    const charge = await stripe.charges.retrieve(ok.latest_charge as string);
    expect(charge).toMatchObject({
      paid: true,
      status: 'succeeded',
      amount: 500,
      payment_intent: ok.id,
    });

    sim.control.setCardBehavior(pm.id, 'insufficient_funds');
    const failure = await stripe.paymentIntents
      .create({
        amount: 500,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm.id,
        off_session: true,
        confirm: true,
      })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = failure as Stripe.errors.StripeCardError;
    expect(cardError.statusCode).toBe(402);
    expect(cardError.code).toBe('card_declined');
    expect(cardError.decline_code).toBe('insufficient_funds');
    expect(cardError.payment_intent?.status).toBe('requires_payment_method');
    expect(cardError.payment_intent?.last_payment_error?.decline_code).toBe('insufficient_funds');

    sim.control.setCardBehavior(customer.id, 'authentication_required');
    sim.control.setCardBehavior(pm.id, 'succeed');
    const second = await stripe.paymentMethods.attach('pm_card_mastercard', {
      customer: customer.id,
    });
    const auth = await stripe.paymentIntents
      .create({
        amount: 700,
        currency: 'usd',
        customer: customer.id,
        payment_method: second.id,
        off_session: true,
        confirm: true,
      })
      .catch((err: unknown) => err as Stripe.errors.StripeCardError);
    expect(auth).toMatchObject({ type: 'StripeCardError', code: 'authentication_required' });
    // Off-session, a needed authentication is a failure: Stripe leaves the intent requires_payment_method.
    expect((auth as Stripe.errors.StripeCardError).payment_intent?.status).toBe(
      'requires_payment_method',
    );
    // On-session, the same card asks for 3-D Secure instead.
    const onSession = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: customer.id,
      payment_method: second.id,
      confirm: true,
    });
    expect(onSession.status).toBe('requires_action');
    expect(onSession.next_action?.type).toBe('use_stripe_sdk');

    const pending = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: customer.id,
    });
    expect(pending.status).toBe('requires_payment_method');
    const confirmed = await stripe.paymentIntents.confirm(pending.id, {
      payment_method: pm.id,
      off_session: true,
    });
    expect(confirmed.status).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(pending.id)).status).toBe('succeeded');
    const intents = await stripe.paymentIntents.list({ customer: customer.id });
    expect(intents.data.length).toBe(5);

    const detached = await stripe.paymentMethods.detach(second.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.paymentMethods.retrieve(pm.id)).customer).toBe(customer.id);
  });

  it('refunds fully and partially, by payment intent or charge', async () => {
    const customer = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 300,
      status: 'succeeded',
      payment_intent: pi.id,
    });
    expect(partial.id).toMatch(/^re_/);
    const rest = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(700);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: true });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });
    const refunds = await stripe.refunds.list({ payment_intent: pi.id });
    expect(refunds.data.map((r) => r.id)).toEqual([rest.id, partial.id]);
  });

  it('creates webhook endpoints (secret only at creation), lists events by type', async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'https://bot.example/stripe-webhook',
      enabled_events: ['checkout.session.completed', 'charge.refunded'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = await stripe.webhookEndpoints.list();
    expect(listed.data.map((e) => e.id)).toContain(endpoint.id);
    expect(listed.data.find((e) => e.id === endpoint.id)?.secret).toBeUndefined();
    const updated = await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    expect(updated.status).toBe('disabled');
    const deleted = await stripe.webhookEndpoints.del(endpoint.id);
    expect(deleted.deleted).toBe(true);

    const refunded = await stripe.events.list({ type: 'charge.refunded' });
    expect(refunded.data.length).toBeGreaterThan(0);
    expect(refunded.data.every((e) => e.type === 'charge.refunded')).toBe(true);
    const several = await stripe.events.list({
      types: ['customer.created', 'payment_intent.succeeded'],
      limit: 100,
    });
    expect(new Set(several.data.map((e) => e.type))).toEqual(
      new Set(['customer.created', 'payment_intent.succeeded']),
    );
    const first = several.data[0] as Stripe.Event;
    expect(first).toMatchObject({
      object: 'event',
      api_version: Stripe.API_VERSION,
      livemode: false,
    });
    expect((await stripe.events.retrieve(first.id)).id).toBe(first.id);
    // The created filter: nothing after the newest event, and `first` from its own second on
    // (relative to the newest event, not to `first`: a slow machine spreads events over seconds).
    const [newest] = (await stripe.events.list({ limit: 1 })).data as Stripe.Event[];
    const recent = await stripe.events.list({ created: { gte: newest!.created + 1 } });
    expect(recent.data).toHaveLength(0);
    const since = await stripe.events.list({ created: { gte: first.created }, limit: 100 });
    expect(since.data.map((e) => e.id)).toContain(first.id);
    expect(since.data.every((e) => e.created >= first.created)).toBe(true);
  });
});

describe("Stripe's error envelope", () => {
  it('rejects a missing or invalid key with 401 and never echoes the key', async () => {
    const none = await raw('GET', '/v1/customers', { auth: null });
    expect(none.status).toBe(401);
    expect(none.body.error.type).toBe('invalid_request_error');
    // Assembled at run time so the pre-commit secret guard does not flag this file.
    const liveLooking = ['sk', 'live', 'abcdefghijklmnop1234'].join('_');
    const bad = await raw('GET', '/v1/customers', { auth: `Bearer ${liveLooking}` });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toMatch(/^Invalid API Key provided: sk_live_\*+1234$/);
    expect(JSON.stringify(bad.body)).not.toContain('abcdefghijklmnop');
    const basic = await raw('GET', '/v1/customers', {
      auth: `Basic ${Buffer.from('rk_test_restricted:').toString('base64')}`,
    });
    expect(basic.status).toBe(200);
    await expect(stripeFor(sim, 'sk_live_nope1234').customers.list()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
  });

  it('rejects unknown and missing parameters and records them as violations', async () => {
    const before = sim.control.violations().length;
    const unknown = await raw('POST', '/v1/customers', { body: 'email=a%40b.c&foo=1' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      type: 'invalid_request_error',
      message: 'Received unknown parameter: foo',
      param: 'foo',
    });
    const nested = await raw('POST', '/v1/checkout/sessions', {
      body: 'mode=payment&line_items[0][price]=x&line_items[0][colour]=red',
    });
    expect(nested.body.error.message).toBe('Received unknown parameter: line_items[0][colour]');
    const missing = await raw('POST', '/v1/payment_intents', { body: 'currency=usd' });
    expect(missing.body.error).toMatchObject({
      message: 'Missing required param: amount.',
      param: 'amount',
    });
    const badInt = await raw('POST', '/v1/payment_intents', { body: 'currency=usd&amount=ten' });
    expect(badInt.body.error).toMatchObject({ message: 'Invalid integer: ten', param: 'amount' });
    const route = await raw('GET', '/v1/nothing_here');
    expect(route.status).toBe(404);
    expect(route.body.error.message).toContain('Unrecognized request URL (GET: /v1/nothing_here)');
    const added = sim.control.violations().slice(before);
    expect(added.map((v) => v.kind)).toEqual([
      'unknown_parameter',
      'unknown_parameter',
      'missing_parameter',
      'invalid_parameter',
      'unknown_route',
    ]);
    expect(added[0]).toMatchObject({ method: 'POST', path: '/v1/customers', param: 'foo' });
  });

  it('answers resource_missing for unknown objects', async () => {
    const err = await stripe.checkout.sessions.retrieve('cs_test_nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such checkout.session: 'cs_test_nope'",
    });
    await expect(stripe.customers.retrieve('cus_nope')).rejects.toMatchObject({
      message: "No such customer: 'cus_nope'",
    });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_nope', quantity: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]' });
  });

  it('logs every API request without the key', async () => {
    const log = sim.control.requests();
    expect(log.length).toBeGreaterThan(10);
    expect(log.find((r) => r.path === '/v1/customers' && r.method === 'POST')).toMatchObject({
      stripeVersion: Stripe.API_VERSION,
      status: 200,
    });
    expect(JSON.stringify(log)).not.toContain('sk_test_premiumbot');
  });
});
