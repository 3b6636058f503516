/**
 * Freezes counted per dispute, a lost dispute delivered before its `created` event, refunds
 * and disputes of charges premiumbot never made, and pass time taken back (issue 12: items
 * 6, 7 and 8, the dispute and refund halves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerKeys } from '../../src/core/ledger.js';
import type { FanProfile } from '../../src/core/fan.js';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import {
  ADMIN_CHAT_ID,
  buyAndPay,
  fanState,
  newFan,
  outboxOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('disputes, foreign charges and pass time', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const chargeOfSession = async (sessionId: string) => {
    const row = (await env.db('transactions').where('checkout_session_id', sessionId).first()) as {
      payment_intent_id: string;
    };
    return env.sim.control.get<StripeObject & { latest_charge: string }>(row.payment_intent_id)!
      .latest_charge;
  };
  const settle = () => env.sim.control.waitForDeliveries(30_000);
  /** Delivers the events of `act` one by one, in the order given by `order` (indexes). */
  async function deliverInOrder(act: () => void, order: number[]) {
    const first = env.sim.control.events().length;
    env.sim.control.pauseDeliveries();
    act();
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    const events = env.sim.control.events().slice(first);
    for (const i of order) {
      env.sim.control.redeliver(events[i]!.id);
      await settle();
    }
    return events;
  }

  it('a won dispute does not unfreeze a fan kept frozen by a lost one', async () => {
    const fan = newFan('Vera');
    const a = await chargeOfSession(await buyAndPay(env, fan, env.products.credits10));
    const b = await chargeOfSession(await buyAndPay(env, fan, env.products.credits10));
    const lost = env.sim.control.openDispute(a);
    await settle();
    env.sim.control.closeDispute(lost.id, 'lost');
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true, credits: 10 });
    const won = env.sim.control.openDispute(b);
    await settle();
    env.sim.control.closeDispute(won.id, 'won');
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true, credits: 10 });
    const note = (await outboxOf(env.db, fan.id)).find(
      (j) => j.key === `dispute:${won.id}:closed` && j.chatId === ADMIN_CHAT_ID,
    );
    expect(note?.text).toContain('stays frozen');
  });

  it('a won dispute does not unfreeze a fan with another open one; the last one does', async () => {
    const fan = newFan('Wren');
    const a = await chargeOfSession(await buyAndPay(env, fan, env.products.credits10));
    const b = await chargeOfSession(await buyAndPay(env, fan, env.products.credits10));
    const first = env.sim.control.openDispute(a);
    const second = env.sim.control.openDispute(b);
    await settle();
    env.sim.control.closeDispute(first.id, 'won');
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true });
    env.sim.control.closeDispute(second.id, 'won');
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: false, credits: 20 });
  });

  it('a lost dispute delivered before its created event still freezes', async () => {
    const fan = newFan('Xena');
    const charge = await chargeOfSession(await buyAndPay(env, fan, env.products.credits10));
    let disputeId = '';
    const events = await deliverInOrder(() => {
      disputeId = env.sim.control.openDispute(charge).id;
      env.sim.control.closeDispute(disputeId, 'lost');
    }, [1]);
    expect(events.map((e) => e.type)).toEqual(['charge.dispute.created', 'charge.dispute.closed']);
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true, credits: 0 });
    env.sim.control.redeliver(events[0]!.id);
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true, credits: 0, debt: 0 });
    const row = await env.db('transactions').where({ user_id: fan.id }).first();
    expect(row).toMatchObject({ dispute_status: 'lost', dispute_id: disputeId });
  });

  it('a dispute and a refund of a charge premiumbot never made answer 200 and are noted once', async () => {
    const customer = env.sim.control.createCustomer({ name: 'Other shop' });
    const pi = await env.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    const charge = pi.latest_charge as string;
    await settle();
    const before = env.sim.control.deliveries().length;
    env.sim.control.openDispute(charge, { amount: 300 });
    await settle();
    env.sim.control.refund(charge, 200);
    await settle();
    const attempts = env.sim.control.deliveries().slice(before);
    expect(attempts.map((d) => [d.eventType, d.status])).toEqual([
      ['charge.dispute.created', 200],
      ['charge.refunded', 200],
    ]);
    const notes = (await env.db('outbox').where('dedupe_key', `foreign:${charge}`)) as Array<{
      chat_id: number | string;
      payload: string;
    }>;
    expect(notes).toHaveLength(1);
    expect(Number(notes[0]!.chat_id)).toBe(ADMIN_CHAT_ID);
    expect(notes[0]!.payload).toContain('premiumbot did not make');
  });

  it('a partial refund of a pass takes banked time back in proportion', async () => {
    const fan = newFan('Yusuf');
    const sessionId = await buyAndPay(env, fan, env.products.hour);
    const charge = await chargeOfSession(sessionId);
    expect(await fanState(env.db, fan.id)).toMatchObject({ seconds: 3600 });
    const refund = env.sim.control.refund(charge, 500);
    await settle();
    expect(await fanState(env.db, fan.id)).toMatchObject({ seconds: 2400, credits: 0, debt: 0 });
    const entry = await env
      .db('credit_ledger')
      .where('idempotency_key', ledgerKeys.passRevoke(refund.id))
      .first();
    expect(entry).toMatchObject({ kind: 'pass_revoke', seconds_delta: -1200 });
    expect(await env.ledger.sumLedger(fan.id)).toMatchObject({ seconds: 2400 });
    const notice = (await outboxOf(env.db, fan.id)).find(
      (j) => j.key === `pass_revoke:${refund.id}`,
    );
    expect(notice?.text).toContain('20 minutes');
  });

  it('a lost dispute of a running pass ends it', async () => {
    const fan: FanProfile = newFan('Zoe');
    const charge = await chargeOfSession(await buyAndPay(env, fan, env.products.hour));
    await env.ledger.startPass(fan.id, new Date(), `pass_start:test:${fan.id}`);
    const dispute = env.sim.control.openDispute(charge);
    await settle();
    env.sim.control.closeDispute(dispute.id, 'lost');
    await settle();
    const user = (await env.db('users').where('id', fan.id).first()) as { pass_ends_at: unknown };
    const endsAt = new Date(user.pass_ends_at as string | number | Date).getTime();
    expect(endsAt).toBeLessThanOrEqual(Date.now());
    expect(await fanState(env.db, fan.id)).toMatchObject({ seconds: 0, frozen: true });
    const entry = await env
      .db('credit_ledger')
      .where('idempotency_key', ledgerKeys.passRevoke(dispute.id))
      .first();
    expect(entry).toMatchObject({ kind: 'pass_revoke', seconds_delta: 0 });
    expect(env.sim.control.violations()).toEqual([]);
  });
});
