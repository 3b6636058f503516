/**
 * Refunds keyed one way (`refund:<re_…>`), whether the event came by webhook at the pinned
 * version (no `refunds` list) or from `payments reconcile` (the account's older default
 * version, with the list); failed and cancelled refunds give the credits back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcilePayments } from '../../src/cli/commands/payments.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FanProfile } from '../../src/core/fan.js';
import {
  ADMIN_CHAT_ID,
  OWNER_ID,
  buyAndPay,
  fanState,
  newFan,
  startPaymentsEnv,
  type PaymentsEnv,
} from './helpers.js';

describe('refunds keyed by Refund id', () => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    // An account created before 2022-11-15: `/v1/events` shows charges with their refunds,
    // while the endpoint `set-webhooks` made is pinned at the bot's version (no list).
    env = await startPaymentsEnv({ stripeAccountVersion: '2022-08-01' });
  });
  afterAll(async () => {
    await env?.close();
  });

  const reconcile = () =>
    reconcilePayments({
      db: env.db,
      stripe: env.stripe,
      sinceSeconds: 3600,
      nowSeconds: env.sim.control.clock.now(),
      adminChatId: ADMIN_CHAT_ID,
      ownerIds: [OWNER_ID],
      logger: silentLogger,
      output: { out: () => undefined, err: () => undefined, isTTY: false },
      templates: loadMessageCatalog(),
    });

  const intentOf = async (sessionId: string) =>
    String(
      (
        (await env.db('transactions').where('checkout_session_id', sessionId).first()) as {
          payment_intent_id: string;
        }
      ).payment_intent_id,
    );

  const refundKeys = async (fan: FanProfile) =>
    (
      (await env.db('credit_ledger').where({ user_id: fan.id, kind: 'refund' })) as Array<{
        idempotency_key: string;
      }>
    ).map((r) => r.idempotency_key);

  /** Refunds $2.50 and $1.00 of a $5.00 / 10-credit purchase; `delivered` says which reach the webhook. */
  async function refundBoth(fan: FanProfile, delivered: [boolean, boolean]) {
    const pi = await intentOf(await buyAndPay(env, fan, env.products.credits10));
    const ids: string[] = [];
    for (const [i, amount] of [250, 100].entries()) {
      if (!delivered[i]) env.sim.control.pauseDeliveries();
      ids.push(env.sim.control.refund(pi, amount).id);
      if (!delivered[i]) {
        env.sim.control.dropPendingDeliveries();
        env.sim.control.resumeDeliveries();
      }
      await env.sim.control.waitForDeliveries(30_000);
    }
    return ids;
  }

  it.each([
    ['the $2.50 by webhook, the $1.00 by reconcile', [true, false]],
    ['the $1.00 by webhook, the $2.50 by reconcile', [false, true]],
    ['both by webhook, then reconcile', [true, true]],
    ['both by reconcile', [false, false]],
  ] as const)('%s: exactly 7 credits removed', async (_name, delivered) => {
    const fan = newFan('Keyed');
    const ids = await refundBoth(fan, [...delivered]);
    const summary = await reconcile();
    expect(summary.failed).toBe(0);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 3, debt: 0, totalSpent: 150 });
    expect((await refundKeys(fan)).sort()).toEqual(ids.map((id) => `refund:${id}`).sort());
    const row = await env.db('transactions').where('user_id', fan.id).first();
    expect(row).toMatchObject({ status: 'partially_refunded', amount_refunded_cents: 350 });
    expect((await reconcile()).applied).toBe(0);
  });

  it('a failed refund gives its credits back; a cancelled one too', async () => {
    const fan = newFan('Failed');
    const [first, second] = await refundBoth(fan, [true, true]);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 3 });
    env.sim.control.endRefund(first!, 'failed');
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 8, debt: 0, totalSpent: 400 });
    env.sim.control.endRefund(second!, 'canceled');
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, debt: 0, totalSpent: 500 });
    const row = await env.db('transactions').where('user_id', fan.id).first();
    expect(row).toMatchObject({ status: 'paid', amount_refunded_cents: 0 });
    expect(await env.ledger.sumLedger(fan.id)).toMatchObject({ credits: 10, debt: 0 });
    expect((await reconcile()).failed).toBe(0);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10 });
    expect(env.sim.control.violations()).toEqual([]);
  });
});
