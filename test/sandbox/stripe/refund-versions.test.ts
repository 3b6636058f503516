/**
 * A Charge's `refunds` list by API version (left out since 2022-11-15 unless expanded), events
 * rendered at the endpoint's version, and refunds that fail or are cancelled.
 */
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import type { StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import { startReceiver, startSimulator, type JsonBody } from './helpers.js';

let sim: StripeSimulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

/** A simulator whose account defaults to `accountVersion`, an endpoint pinned at `endpointVersion`. */
async function setup(accountVersion?: string, endpointVersion?: string) {
  const started = await startSimulator(accountVersion ? { apiVersion: accountVersion } : {});
  sim = started.sim;
  let secret = '';
  receiver = await startReceiver({ secret: () => secret });
  const endpoint = sim.control.addEndpoint(
    receiver.url,
    ['charge.refunded', 'charge.refund.updated'],
    {
      ...(endpointVersion ? { apiVersion: endpointVersion } : {}),
    },
  );
  secret = endpoint.secret;
  const pi = await started.stripe.paymentIntents.create({
    amount: 500,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  return { stripe: started.stripe, chargeId: pi.latest_charge as string, pi };
}

/** The raw JSON bodies the receiver got, by event type. */
function delivered(type: string): JsonBody[] {
  return receiver!.received
    .map((r) => JSON.parse(r.raw) as JsonBody)
    .filter((e) => e.type === type);
}

describe('charge refunds by API version', () => {
  it('a webhook at the pinned version carries no refunds list; expand[]=refunds lists them', async () => {
    const { stripe, chargeId, pi } = await setup();
    const refund = sim!.control.refund(pi.id, 250);
    await sim!.control.waitForDeliveries();
    const [event] = delivered('charge.refunded');
    expect(event!.api_version).toBe(Stripe.API_VERSION);
    expect(event!.data.object.amount_refunded).toBe(250);
    expect(event!.data.object).not.toHaveProperty('refunds');
    expect(event!.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(await stripe.charges.retrieve(chargeId)).not.toHaveProperty('refunds');
    const expanded = await stripe.charges.retrieve(chargeId, { expand: ['refunds'] });
    expect(expanded.refunds?.data.map((r) => r.id)).toEqual([refund.id]);
    const listed = await stripe.refunds.list({ charge: chargeId });
    expect(listed.data.map((r) => r.id)).toEqual([refund.id]);
  });

  it('an account on an older default version lists refunds in /v1/events, not in a pinned webhook', async () => {
    const { stripe, pi } = await setup('2022-08-01', Stripe.API_VERSION);
    const refund = sim!.control.refund(pi.id, 100);
    await sim!.control.waitForDeliveries();
    const [hook] = delivered('charge.refunded');
    expect(hook!.api_version).toBe(Stripe.API_VERSION);
    expect(hook!.data.object).not.toHaveProperty('refunds');
    const [listed] = (await stripe.events.list({ type: 'charge.refunded' })).data;
    expect(listed!.api_version).toBe('2022-08-01');
    const charge = listed!.data.object as Stripe.Charge;
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([refund.id]);
  });

  it('a failed refund gives the money back to the charge and sends charge.refund.updated', async () => {
    const { stripe, chargeId, pi } = await setup();
    const first = sim!.control.refund(pi.id, 250);
    const second = sim!.control.refund(pi.id, 100);
    const ended = sim!.control.endRefund(first.id, 'failed');
    expect(ended).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' });
    sim!.control.endRefund(second.id, 'canceled');
    await sim!.control.waitForDeliveries();
    const updates = delivered('charge.refund.updated');
    expect(updates.map((e) => [e.data.object.id, e.data.object.status])).toEqual([
      [first.id, 'failed'],
      [second.id, 'canceled'],
    ]);
    expect(updates[0]!.data.previous_attributes).toEqual({ status: 'succeeded' });
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
      amount_refunded: 0,
      refunded: false,
    });
    expect(() => sim!.control.endRefund(first.id, 'canceled')).toThrow(/already failed/);
    expect(sim!.control.violations()).toEqual([]);
  });
});
