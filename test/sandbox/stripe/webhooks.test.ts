import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { startReceiver, startSimulator } from './helpers.js';

let sim: StripeSimulator;
let stripe: Stripe;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret = '';
let statusFor: (n: number, raw: string) => number = () => 200;

beforeEach(async () => {
  ({ sim, stripe } = await startSimulator());
  statusFor = () => 200;
  receiver = await startReceiver({ secret: () => secret, status: (n, raw) => statusFor(n, raw) });
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

async function subscribe(events: Stripe.WebhookEndpointCreateParams.EnabledEvent[] = ['*']) {
  const endpoint = await stripe.webhookEndpoints.create({
    url: receiver.url,
    enabled_events: events,
  });
  secret = endpoint.secret as string;
  return endpoint;
}

async function paidSession(metadata: Record<string, string> = {}) {
  const product = await stripe.products.create({ name: '10 credits' });
  const price = await stripe.prices.create({
    product: product.id,
    currency: 'usd',
    unit_amount: 500,
  });
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
    metadata,
    client_reference_id: metadata.fan_id,
    success_url: 'https://t.me/premiumbot?start=paid_{CHECKOUT_SESSION_ID}',
  });
}

describe('webhook delivery', () => {
  it('end to end: a paid Checkout Session arrives signed as checkout.session.completed', async () => {
    await subscribe([
      'checkout.session.completed',
      'payment_intent.succeeded',
      'charge.succeeded',
      'payment_method.attached',
    ]);
    const session = await paidSession({ fan_id: '42' });
    const paid = sim.control.payCheckoutSession(session.id, {
      saveCard: true,
      email: 'fan42@example.com',
    });
    expect(paid.redirectUrl).toBe(`https://t.me/premiumbot?start=paid_${session.id}`);
    await sim.control.flush();

    expect(receiver.received.every((r) => r.verifyError === null)).toBe(true);
    const types = receiver.events().map((e) => e.type);
    expect(types).toEqual([
      'payment_method.attached',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const completed = receiver.events().at(-1) as Stripe.CheckoutSessionCompletedEvent;
    expect(completed.data.object).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: '42',
      metadata: { fan_id: '42' },
      payment_intent: paid.paymentIntent.id,
    });
    expect(completed.data.object.customer).toMatch(/^cus_/);
    expect(completed).toMatchObject({
      object: 'event',
      livemode: false,
      api_version: Stripe.API_VERSION,
    });
    const header = receiver.received.at(-1)?.headers['stripe-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
    expect((await stripe.events.retrieve(completed.id)).pending_webhooks).toBe(0);
  });

  it('a tampered body or a wrong secret fails verification', async () => {
    await subscribe();
    await stripe.customers.create({ email: 'sig@example.com' });
    await sim.control.flush();
    const { raw, headers } = receiver.received[0] as (typeof receiver.received)[number];
    const verifier = new Stripe('sk_test_v');
    const header = headers['stripe-signature'] as string;
    expect(verifier.webhooks.constructEvent(raw, header, secret).type).toBe('customer.created');
    expect(() =>
      verifier.webhooks.constructEvent(
        raw.replace('sig@example.com', 'evil@example.com'),
        header,
        secret,
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => verifier.webhooks.constructEvent(raw, header, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('only sends the events an endpoint enabled, and nothing to disabled endpoints', async () => {
    const endpoint = await subscribe(['charge.refunded']);
    const pi = await stripe.paymentIntents.create({
      amount: 600,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    sim.control.refund(pi.id, 100);
    await sim.control.flush();
    expect(receiver.events().map((e) => e.type)).toEqual(['charge.refunded']);
    const refunded = receiver.events()[0] as Stripe.ChargeRefundedEvent;
    expect(refunded.data.object).toMatchObject({ amount_refunded: 100, refunded: false });
    expect(refunded.data.previous_attributes).toMatchObject({ amount_refunded: 0 });
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    sim.control.refund(pi.id);
    await sim.control.flush();
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    await subscribe(['customer.created']);
    statusFor = (n) => (n < 2 ? 500 : 200);
    const customer = await stripe.customers.create({});
    await sim.control.waitForDeliveries();
    const attempts = sim.control.deliveries();
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    expect(receiver.events().map((e) => e.data.object)).toEqual([
      expect.objectContaining({ id: customer.id }),
      expect.objectContaining({ id: customer.id }),
      expect.objectContaining({ id: customer.id }),
    ]);
    const [event] = (await stripe.events.list({ type: 'customer.created' })).data;
    expect(event?.pending_webhooks).toBe(0);
  });

  it('gives up after the bounded attempts and leaves the event pending (and connection errors count)', async () => {
    await subscribe(['customer.created']);
    statusFor = () => 503;
    await stripe.customers.create({});
    await sim.control.flush();
    expect(sim.control.deliveries().map((a) => a.status)).toEqual([503, 503, 503, 503]);
    const failed = await stripe.events.list({ delivery_success: false });
    expect(failed.data.map((e) => e.pending_webhooks)).toEqual([1]);

    await receiver.close();
    await stripe.customers.create({});
    await sim.control.flush();
    const refused = sim.control.deliveries().slice(4);
    expect(refused).toHaveLength(4);
    expect(refused.every((a) => a.status === null && a.error !== null)).toBe(true);
  });

  it('duplicates deliveries on request, concurrently or by redelivery', async () => {
    await subscribe(['customer.created']);
    sim.control.setDeliveryFaults({ duplicate: 2, concurrent: true });
    const customer = await stripe.customers.create({});
    await sim.control.flush();
    sim.control.setDeliveryFaults({});
    const ids = receiver.events().map((e) => e.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(sim.control.deliveries().filter((a) => a.duplicate)).toHaveLength(2);

    expect(sim.control.redeliver(ids[0] as string, { times: 2 })).toBe(2);
    await sim.control.flush();
    expect(receiver.events().map((e) => e.id)).toEqual([ids[0], ids[0], ids[0], ids[0], ids[0]]);
    expect(
      receiver.events().every((e) => (e.data.object as Stripe.Customer).id === customer.id),
    ).toBe(true);
  });

  it('holds deliveries during an outage, then sends them in a seeded shuffled order', async () => {
    await subscribe(['customer.created']);
    sim.control.pauseDeliveries();
    const created: string[] = [];
    for (let i = 0; i < 6; i++)
      created.push((await stripe.customers.create({ metadata: { n: String(i) } })).id);
    await sim.control.waitForDeliveries();
    expect(receiver.received).toHaveLength(0);

    expect(sim.control.resumeDeliveries({ shuffleSeed: 7 })).toBe(6);
    await sim.control.flush();
    const order = receiver.events().map((e) => (e.data.object as Stripe.Customer).id);
    expect([...order].sort()).toEqual([...created].sort());
    expect(order).not.toEqual(created);

    // The same seed gives the same permutation: the order is reproducible.
    const positions = order.map((id) => created.indexOf(id));
    sim.control.pauseDeliveries();
    const second: string[] = [];
    for (let i = 0; i < 6; i++) second.push((await stripe.customers.create({})).id);
    sim.control.resumeDeliveries({ shuffleSeed: 7 });
    await sim.control.flush();
    const order2 = receiver
      .events()
      .slice(6)
      .map((e) => second.indexOf((e.data.object as Stripe.Customer).id));
    expect(order2).toEqual(positions);
  });

  it('drops held deliveries; the events stay in /v1/events for a reconcile', async () => {
    await subscribe(['checkout.session.completed']);
    sim.control.pauseDeliveries();
    const session = await paidSession({ fan_id: '7' });
    sim.control.payCheckoutSession(session.id);
    expect(sim.control.dropPendingDeliveries()).toBe(1);
    sim.control.resumeDeliveries();
    await sim.control.flush();
    expect(receiver.received).toHaveLength(0);
    const missed = await stripe.events.list({
      type: 'checkout.session.completed',
      delivery_success: false,
    });
    expect(missed.data.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([
      session.id,
    ]);
  });

  it('delays deliveries on request; flush does not wait for the delay', async () => {
    await subscribe(['customer.created']);
    sim.control.setDeliveryFaults({ delayMs: 60_000 });
    await stripe.customers.create({});
    expect(receiver.received).toHaveLength(0);
    await sim.control.flush();
    expect(receiver.received).toHaveLength(1);
  });

  it('async payments: completed unpaid, then async_payment_succeeded or _failed', async () => {
    await subscribe([
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
    ]);
    const ok = await paidSession({ fan_id: '1' });
    const ko = await paidSession({ fan_id: '2' });
    sim.control.payCheckoutSession(ok.id, { async: true });
    sim.control.payCheckoutSession(ko.id, { async: true });
    sim.control.settleAsync(ok.id, true);
    sim.control.settleAsync(ko.id, false);
    await sim.control.flush();
    const seen = receiver
      .events()
      .map((e) => [
        e.type,
        (e.data.object as Stripe.Checkout.Session).payment_status,
        (e.data.object as Stripe.Checkout.Session).metadata?.fan_id,
      ]);
    expect(seen).toEqual([
      ['checkout.session.completed', 'unpaid', '1'],
      ['checkout.session.completed', 'unpaid', '2'],
      ['checkout.session.async_payment_succeeded', 'paid', '1'],
      ['checkout.session.async_payment_failed', 'unpaid', '2'],
    ]);
  });

  it('declines, disputes, attachments and expiry produce the events the bot handles', async () => {
    await subscribe([
      'payment_intent.payment_failed',
      'payment_method.attached',
      'charge.dispute.created',
      'charge.dispute.closed',
      'checkout.session.expired',
    ]);
    const customer = await stripe.customers.create({});
    const pm = sim.control.attachPaymentMethod(customer.id, { brand: 'mastercard', last4: '5555' });
    sim.control.setCardBehavior(customer.id, 'card_declined');
    await expect(
      stripe.paymentIntents.create({
        amount: 500,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm.id,
        off_session: true,
        confirm: true,
      }),
    ).rejects.toMatchObject({ type: 'StripeCardError', decline_code: 'generic_decline' });
    sim.control.setCardBehavior(customer.id, 'succeed');
    const pi = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
    });
    const dispute = sim.control.openDispute(pi.latest_charge as string);
    sim.control.closeDispute(dispute.id, 'won');
    const session = await paidSession();
    sim.control.clock.advance(25 * 3600);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    await sim.control.flush();
    const events = receiver.events();
    expect(events.map((e) => e.type)).toEqual([
      'payment_method.attached',
      'payment_intent.payment_failed',
      'charge.dispute.created',
      'charge.dispute.closed',
      'checkout.session.expired',
    ]);
    const failed = events[1] as Stripe.PaymentIntentPaymentFailedEvent;
    expect(failed.data.object.last_payment_error).toMatchObject({
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    expect(failed.request?.id).toMatch(/^req_/);
    expect((events[3] as Stripe.ChargeDisputeClosedEvent).data.object.status).toBe('won');
    expect((events[2] as Stripe.ChargeDisputeCreatedEvent).data.object.charge).toBe(
      pi.latest_charge,
    );
  });
});
