/** Refunds (partial, full, beyond the balance) and disputes (created, won, lost). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { AccountFrozenError } from '../../src/core/errors.js';
import { ledgerKeys } from '../../src/core/ledger.js';
import {
  ADMIN_CHAT_ID,
  buyAndPay,
  fanState,
  newFan,
  OWNER_ID,
  outboxOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('refunds and disputes', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const paymentOf = async (sessionId: string) =>
    (await env.db('transactions').where('checkout_session_id', sessionId).first()) as Record<
      string,
      unknown
    > & {
      payment_intent_id: string;
    };
  const chargeOf = (pi: string) =>
    env.sim.control.get<StripeObject & { latest_charge: string }>(pi)!.latest_charge;

  it('a partial then the remaining refund remove credits in proportion and tell the fan', async () => {
    const fan = newFan('Rita');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    const pi = (await paymentOf(sessionId)).payment_intent_id;
    env.sim.control.refund(pi, 250);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 5,
      debt: 0,
      totalSpent: 250,
      dashboardTotal: 250,
    });
    expect(await paymentOf(sessionId)).toMatchObject({
      status: 'partially_refunded',
      amount_refunded_cents: 250,
    });
    env.sim.control.refund(pi);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      credits: 0,
      debt: 0,
      totalSpent: 0,
      dashboardTotal: 0,
      tier: 'new',
    });
    expect(await paymentOf(sessionId)).toMatchObject({
      status: 'refunded',
      amount_refunded_cents: 500,
    });
    const jobs = await outboxOf(env.db, fan.id);
    const notices = jobs.filter((j) => j.key.startsWith('refund:') && j.chatId === fan.id);
    expect(notices).toHaveLength(2);
    expect(notices[0]!.text).toContain('$2.50');
    expect(
      jobs.filter((j) => j.key.startsWith('refund:') && j.chatId === ADMIN_CHAT_ID),
    ).toHaveLength(2);
  });

  it('a full refund of spent credits leaves debt, paid off by the next purchase', async () => {
    const fan = newFan('Sam');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    await env.ledger.spendCredits(fan.id, 8, ledgerKeys.spend(900_000_001 + (fan.id % 1000)));
    env.sim.control.refund((await paymentOf(sessionId)).payment_intent_id);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 0, debt: 8 });
    const notice = (await outboxOf(env.db, fan.id)).find(
      (j) => j.key.startsWith('refund:') && j.chatId === fan.id,
    )!;
    expect(notice.text).toContain('8 credits had already been used');
    await buyAndPay(env, fan, env.products.credits10);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 2, debt: 0 });
    const sums = await env.ledger.sumLedger(fan.id);
    expect(sums).toMatchObject({ credits: 2, debt: 0 });
  });

  it('a dispute freezes the fan and alerts the topic and owners; won unfreezes', async () => {
    const fan = newFan('Tess');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    const charge = chargeOf((await paymentOf(sessionId)).payment_intent_id);
    const dispute = env.sim.control.openDispute(charge, { reason: 'fraudulent' });
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true, credits: 10 });
    await expect(
      env.ledger.spendCredits(fan.id, 1, ledgerKeys.spend(800_000_001)),
    ).rejects.toBeInstanceOf(AccountFrozenError);
    const jobs = await outboxOf(env.db, fan.id);
    expect(jobs.filter((j) => j.key === `dispute:${dispute.id}:open`)).toHaveLength(1);
    expect(jobs.find((j) => j.key === `dispute:${dispute.id}:open`)!.chatId).toBe(ADMIN_CHAT_ID);
    const alert = (await env
      .db('outbox')
      .where('dedupe_key', `dispute:${dispute.id}:open:${OWNER_ID}`)
      .first()) as { chat_id: number };
    expect(Number(alert.chat_id)).toBe(OWNER_ID);
    expect(await paymentOf(sessionId)).toMatchObject({
      dispute_status: 'open',
      dispute_id: dispute.id,
    });

    env.sim.control.closeDispute(dispute.id, 'won');
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      frozen: false,
      credits: 10,
      totalSpent: 500,
    });
    expect(await paymentOf(sessionId)).toMatchObject({ dispute_status: 'won' });
  });

  it('a lost dispute removes the credits, keeps the fan frozen and drops the spend', async () => {
    const fan = newFan('Uma');
    const sessionId = await buyAndPay(env, fan, env.products.credits25);
    const charge = chargeOf((await paymentOf(sessionId)).payment_intent_id);
    const dispute = env.sim.control.openDispute(charge);
    await env.sim.control.waitForDeliveries(30_000);
    env.sim.control.closeDispute(dispute.id, 'lost');
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({
      frozen: true,
      credits: 0,
      debt: 0,
      totalSpent: 0,
      dashboardTotal: 0,
    });
    expect(await paymentOf(sessionId)).toMatchObject({ dispute_status: 'lost' });
    expect((await outboxOf(env.db, fan.id)).map((j) => j.key)).toContain(
      `dispute:${dispute.id}:closed`,
    );
    expect(env.sim.control.violations()).toEqual([]);
  });
});
