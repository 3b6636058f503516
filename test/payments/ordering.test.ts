/**
 * 100 random orderings (with duplicates) of one purchase's events — including a partial
 * refund and a dispute that is won — reach the same final state. Events the rules cannot
 * apply yet (a refund before its payment) are retried later, as Stripe would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStripeEvent } from '../../src/adapters/stripe/events.js';
import { RetryLaterError } from '../../src/core/payments/processor.js';
import type { EventObject } from '../../src/sandbox/stripe/index.js';
import { seededShuffle } from '../../src/sandbox/stripe/random.js';
import { newFan, sessionIdOf, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

const ID = /\b(cs_test_|cs_|pi_|ch_|evt_|pm_|cus_|re_|dp_|py_)[A-Za-z0-9]+/g;

describe('event ordering', () => {
  let env: PaymentsEnv;
  let events: EventObject[];
  let fanId: number;
  let customerId: string;
  beforeAll(async () => {
    env = await startPaymentsEnv();
    env.sim.control.pauseDeliveries();
    const fan = newFan('Ord');
    fanId = fan.id;
    const sessionId = sessionIdOf(
      (await env.payments.service.buy(fan, env.products.credits10)).reply,
    );
    const paid = env.sim.control.payCheckoutSession(sessionId, { saveCard: true });
    env.sim.control.refund(paid.paymentIntent.id, 200);
    const dispute = env.sim.control.openDispute(paid.charge!.id);
    env.sim.control.closeDispute(dispute.id, 'won');
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    customerId = paid.session.customer as string;
    const start = env.sim.control.events().findIndex((e) => e.type === 'payment_intent.created');
    events = env.sim.control.events().slice(start);
  });
  afterAll(async () => {
    await env?.close();
  });

  /** The purchase's events for a copy of the fan: every Stripe id and the fan id rewritten. */
  function copyFor(k: number, newFanId: number): string[] {
    return events.map((e) =>
      JSON.stringify(e)
        .replace(ID, (id) => `${id}-k${k}`)
        .replaceAll(`"${fanId}"`, `"${newFanId}"`)
        .replace(/"premiumbot_payment_id":"\d+"/g, '"premiumbot_payment_id":"999999999"'),
    );
  }

  async function applyAll(payloads: string[]): Promise<void> {
    const queue = [...payloads];
    let guard = 0;
    while (queue.length > 0) {
      if (++guard > 1000) throw new Error('events never settle');
      const payload = queue.shift()!;
      const result = await env.payments.handlePayload(payload);
      if (result.status === 'retry') queue.push(payload);
      else expect(['processed', 'duplicate']).toContain(result.status);
    }
  }

  async function finalState(fan: number, k: number) {
    const user = (await env.db('users').where('id', fan).first()) as Record<string, unknown>;
    const tx = (await env.db('transactions').where('user_id', fan)) as Array<
      Record<string, unknown>
    >;
    const ledger = (await env.db('credit_ledger').where('user_id', fan).orderBy('id')) as Array<
      Record<string, unknown>
    >;
    const outbox = (await env.db('outbox').where('fan_id', fan)) as Array<{ dedupe_key: string }>;
    const strip = (s: unknown) => String(s).replaceAll(`-k${k}`, '').replaceAll(String(fan), 'FAN');
    return {
      credits: Number(user.message_credits),
      debt: Number(user.credit_debt),
      frozen: Boolean(Number(user.is_frozen)) || user.is_frozen === true,
      tier: user.tier,
      totalSpent: Number(user.total_spent_cents),
      card: strip(user.saved_payment_method_id),
      payments: tx.map((t) => ({
        status: t.status,
        paid: Number(t.amount_paid_usd_cents),
        refunded: Number(t.amount_refunded_cents),
        dispute: t.dispute_status,
      })),
      ledger: ledger
        .map((l) => `${l.kind}:${l.credits_delta}:${l.debt_delta}:${strip(l.idempotency_key)}`)
        .sort(),
      // The "dispute opened" alert only goes out while the dispute is open: when its
      // closing arrives first the fan is never frozen, so that one notice may be absent.
      outbox: outbox
        .map((o) => strip(o.dedupe_key))
        .filter((key) => !/^dispute:.*:open/.test(key))
        .sort(),
    };
  }

  it('100 random orderings of one purchase give the same final state', async () => {
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'checkout.session.completed',
        'payment_method.attached',
        'charge.refunded',
        'charge.dispute.created',
        'charge.dispute.closed',
      ]),
    );
    const states: unknown[] = [];
    for (let k = 0; k <= 100; k++) {
      const fan = fanId + 1_000_000 + k;
      await env.db('users').insert({ id: fan, stripe_customer_id: `${customerId}-k${k}` });
      const payloads = copyFor(k, fan);
      // k = 0 is Stripe's own order; the others are shuffled, with a few duplicates.
      const ordered =
        k === 0 ? payloads : seededShuffle([...payloads, ...payloads.slice(0, k % 4)], k);
      await applyAll(ordered);
      states.push(await finalState(fan, k));
    }
    const expected = states[0] as Awaited<ReturnType<typeof finalState>>;
    expect(expected).toMatchObject({
      credits: 6,
      debt: 0,
      frozen: false,
      totalSpent: 300,
      payments: [{ status: 'partially_refunded', paid: 500, refunded: 200, dispute: 'won' }],
    });
    expect(expected.card).toMatch(/^pm_/);
    for (const state of states) expect(state).toEqual(expected);
  });

  it('parses every event of the purchase; RetryLaterError is what an early refund raises', () => {
    for (const e of events) expect(parseStripeEvent(JSON.parse(JSON.stringify(e))).id).toBe(e.id);
    expect(new RetryLaterError('x')).toBeInstanceOf(Error);
  });
});
