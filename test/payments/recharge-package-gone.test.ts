/**
 * The auto-recharge package was archived or its price changed (`products sync` replaced the
 * local product): the next crossing tells the fan and offers the current package, instead of
 * silently charging nothing; choosing it makes the next crossing charge the new price.
 */
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerKeys } from '../../src/core/ledger.js';
import { buyAndPay, createProduct, newFan, startPaymentsEnv, type PaymentsEnv } from './helpers.js';

let updateId = 510_000_000;

describe('auto-recharge package no longer sold', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  async function crossThreshold(fanId: number): Promise<void> {
    const { credits } = await env.ledger.balance(fanId);
    const cost = credits - 9;
    const result = await env.ledger.spendCredits(fanId, cost, ledgerKeys.spend(++updateId));
    await env.payments.spendObserver.onCreditsSpent(fanId, credits, result.balance.credits);
    await env.sim.control.waitForDeliveries(30_000);
  }

  const intents = (fanId: number) =>
    env.sim.control
      .list<StripeObject & { metadata: Record<string, string>; amount: number }>('payment_intent')
      .filter(
        (p) =>
          p.metadata.premiumbot_source === 'auto_recharge' &&
          p.metadata.premiumbot_fan_id === String(fanId),
      );

  it('a price change: the fan is told and offered the new package; choosing it recharges again', async () => {
    const fan = newFan('Pia');
    const service = env.payments.service;
    await service.autoRecharge(fan, { type: 'on' });
    await service.autoRecharge(fan, { type: 'product', productId: env.products.credits10 });
    await service.autoRecharge(fan, { type: 'threshold', value: 10 });
    await buyAndPay(env, fan, env.products.credits25);

    // What `products sync` leaves after the 10-credit package went from $5.00 to $6.00.
    await env.db('products').where('id', env.products.credits10).update({ active: false });
    const newTen = await createProduct(env, '10 credits', 'credits', 10, 600, 1);

    await crossThreshold(fan.id);
    expect(intents(fan.id)).toHaveLength(0);
    const notices = (await env
      .db('outbox')
      .where('fan_id', fan.id)
      .where('dedupe_key', 'like', 'recharge_gone:%')) as Array<{ payload: string }>;
    expect(notices).toHaveLength(1);
    const params = (
      JSON.parse(notices[0]!.payload) as {
        params: {
          text: string;
          reply_markup: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
        };
      }
    ).params;
    expect(params.text).toBe(
      '🔁 Auto-recharge did not run: your package (10 credits for $5.00) is no longer sold. ' +
        'Tap the current one below to keep auto-recharge going, or see /autorecharge.',
    );
    expect(params.reply_markup.inline_keyboard[0]![0]).toEqual({
      text: '10 credits — $6.00',
      callback_data: `ar:p:${newTen}`,
    });

    // A second crossing before the fan chose: no second notice.
    await env.ledger.grantCredits(fan.id, 5, `gift:${++updateId}`, { kind: 'gift' });
    await crossThreshold(fan.id);
    const again = (await env
      .db('outbox')
      .where('fan_id', fan.id)
      .where('dedupe_key', 'like', 'recharge_gone:%')) as unknown[];
    expect(again).toHaveLength(1);

    await service.autoRecharge(fan, { type: 'product', productId: newTen });
    await env.ledger.grantCredits(fan.id, 5, `gift:${++updateId}`, { kind: 'gift' });
    await crossThreshold(fan.id);
    expect(intents(fan.id).map((p) => p.amount)).toEqual([600]);
    expect(env.sim.control.violations()).toEqual([]);
  });
});
