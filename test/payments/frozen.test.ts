/**
 * Frozen means frozen (issue 12, item 6, the "refuse" half): a fan frozen by an open or lost
 * dispute cannot start Checkout, quick-buy or auto-recharge; an auto-recharge that would fire
 * turns itself off and tells the fan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FanProfile } from '../../src/core/fan.js';
import type { StripeObject } from '../../src/sandbox/stripe/store.js';
import {
  buyAndPay,
  fanState,
  intentsOf,
  newFan,
  outboxOf,
  quickBuyRow,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

const ON_HOLD =
  'Payments are on hold for your account while a payment question with your bank is being resolved.';

describe('a frozen fan cannot pay', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const sessionsOf = (fan: FanProfile) =>
    env.sim.control
      .list<StripeObject & { metadata: Record<string, string> }>('checkout.session')
      .filter((s) => s.metadata.premiumbot_fan_id === String(fan.id)).length;
  const intentCount = (fan: FanProfile, source: string) =>
    intentsOf(env.sim, fan.id, source).length;

  /** The bank disputes the fan's paid Checkout purchase: the fan is frozen. */
  async function disputePaidCharge(fan: FanProfile): Promise<string> {
    const row = (await env
      .db('transactions')
      .where({ user_id: fan.id, source: 'checkout', status: 'paid' })
      .first()) as { payment_intent_id: string };
    const charge = env.sim.control.get<StripeObject & { latest_charge: string }>(
      row.payment_intent_id,
    )!.latest_charge;
    const dispute = env.sim.control.openDispute(charge, { reason: 'fraudulent' });
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true });
    return dispute.id;
  }

  it('Checkout and quick-buy are refused while a dispute is open, and after it is lost', async () => {
    const fan = newFan('Fay');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const disputeId = await disputePaidCharge(fan);
    const sessions = sessionsOf(fan);

    expect((await env.payments.service.buy(fan, env.products.credits25)).reply?.text).toBe(ON_HOLD);
    expect((await env.payments.service.quickBuy(fan, 10)).reply?.text).toBe(ON_HOLD);
    expect(sessionsOf(fan)).toBe(sessions);

    env.sim.control.closeDispute(disputeId, 'lost');
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ frozen: true });
    expect((await env.payments.service.buy(fan, env.products.credits10)).reply?.text).toBe(ON_HOLD);
    expect(sessionsOf(fan)).toBe(sessions);
    expect(intentCount(fan, 'quick_buy')).toBe(0);
    expect(env.sim.control.violations()).toEqual([]);
  });

  it('a quick-buy prompted before the dispute cannot be confirmed after it', async () => {
    const fan = newFan('Gus');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    const paymentId = await quickBuyRow(env.payments, fan, 10);
    await disputePaidCharge(fan);

    expect((await env.payments.service.confirmQuickBuy(fan, paymentId)).toast).toBe(ON_HOLD);
    expect(intentCount(fan, 'quick_buy')).toBe(0);
  });

  it('auto-recharge cannot be turned on; one that would fire turns off and tells the fan', async () => {
    const fan = newFan('Hal');
    await buyAndPay(env, fan, env.products.credits10, { saveCard: true });
    expect((await env.payments.service.autoRecharge(fan, { type: 'on' })).toast).toContain('on');
    await disputePaidCharge(fan);

    // The spend hook sees the threshold crossed (the fan spent before the freeze landed).
    await env.payments.service.onCreditsSpent(fan.id, 10, 0);
    expect(intentCount(fan, 'auto_recharge')).toBe(0);
    const user = (await env.db('users').where('id', fan.id).first()) as {
      auto_recharge_enabled: boolean | number;
    };
    expect(Boolean(user.auto_recharge_enabled)).toBe(false);
    const notices = (await outboxOf(env.db, fan.id)).filter((j) =>
      j.text.startsWith('Auto-recharge is now off: payments are on hold'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.chatId).toBe(fan.id);

    // A later crossing does nothing more (auto-recharge is off), and it cannot be turned on.
    await env.payments.service.onCreditsSpent(fan.id, 10, 0);
    expect(
      (await outboxOf(env.db, fan.id)).filter((j) => j.text.startsWith('Auto-recharge is now off')),
    ).toHaveLength(1);
    expect((await env.payments.service.autoRecharge(fan, { type: 'on' })).toast).toBe(ON_HOLD);
    expect(intentCount(fan, 'auto_recharge')).toBe(0);
  });
});
