import { describe, expect, it } from 'vitest';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import { formatMoney } from '../../../src/core/money.js';
import { decodePurchase, encodePurchase } from '../../../src/core/payments/metadata.js';
import {
  creditsForRefundedAmount,
  crossesThreshold,
  declineReason,
  nextDisputeStatus,
  refundPlan,
  statusAfterRefund,
} from '../../../src/core/payments/rules.js';

describe('payment rules', () => {
  it('refunds take credits in proportion, rounded down, all of them when fully refunded', () => {
    expect(creditsForRefundedAmount(10, 500, 250)).toBe(5);
    expect(creditsForRefundedAmount(10, 500, 99)).toBe(1);
    expect(creditsForRefundedAmount(10, 500, 500)).toBe(10);
    expect(creditsForRefundedAmount(0, 500, 500)).toBe(0);
    const plan = refundPlan(10, 500, [
      { refundId: 're_1', amount: 99, status: 'succeeded' },
      { refundId: 're_2', amount: 1, status: 'failed' },
      { refundId: 're_3', amount: 401, status: 'succeeded' },
    ]);
    expect(plan.shares.map((s) => s.units)).toEqual([1, 9]);
    expect(plan.shares.reduce((n, s) => n + s.units, 0)).toBe(10);
    expect(plan).toMatchObject({ ended: ['re_2'], refundedTotal: 500 });
    expect(statusAfterRefund(500, 0)).toBe('paid');
    expect(statusAfterRefund(500, 1)).toBe('partially_refunded');
    expect(statusAfterRefund(500, 500)).toBe('refunded');
  });

  it('the parts of a refund add up to the whole purchase, in any split of the money', () => {
    const refund = (refundId: string, amount: number) => ({
      refundId,
      amount,
      status: 'succeeded',
    });
    const sum = (plan: ReturnType<typeof refundPlan>) =>
      plan.shares.reduce((n, s) => n + s.units, 0);
    expect(
      refundPlan(10, 500, [refund('a', 250), refund('b', 100)]).shares.map((s) => s.units),
    ).toEqual([5, 2]);
    expect(
      refundPlan(10, 500, [refund('b', 100), refund('a', 250)]).shares.map((s) => s.units),
    ).toEqual([2, 5]);
    for (const parts of [
      [1, 1, 1],
      [333, 333, 334],
      [7, 93],
      [499, 1],
    ]) {
      const total = parts.reduce((a, b) => a + b, 0);
      const plan = refundPlan(
        3600,
        total,
        parts.map((p, i) => refund(`r${i}`, p)),
      );
      expect(sum(plan)).toBe(3600);
    }
    // A pending refund counts (the money is on its way back); a cancelled one does not.
    expect(
      refundPlan(10, 500, [
        { refundId: 'p', amount: 250, status: 'pending' },
        { refundId: 'c', amount: 250, status: 'canceled' },
      ]),
    ).toMatchObject({ shares: [{ refundId: 'p', units: 5 }], ended: ['c'], refundedTotal: 250 });
  });

  it('disputes never reopen once closed', () => {
    expect(nextDisputeStatus(null, 'needs_response')).toBe('open');
    expect(nextDisputeStatus('open', 'won')).toBe('won');
    expect(nextDisputeStatus('won', 'needs_response')).toBe('won');
    expect(nextDisputeStatus('lost', 'won')).toBe('lost');
  });

  it('only the spend that crosses the threshold triggers a recharge', () => {
    expect(crossesThreshold(11, 10, 10)).toBe(true);
    expect(crossesThreshold(10, 9, 10)).toBe(false);
    expect(crossesThreshold(30, 2, 10)).toBe(true);
  });

  it('formats money and decline reasons for fans', () => {
    expect(formatMoney(500, 'usd', 'en')).toBe('$5.00');
    expect(formatMoney(1250, 'eur', 'en')).toBe('€12.50');
    expect(
      declineReason(
        { code: 'card_declined', declineCode: 'insufficient_funds', message: null },
        loadMessageCatalog().forLanguage('en'),
      ),
    ).toContain('insufficient funds');
  });

  it('metadata round-trips and refuses foreign objects', () => {
    const p = {
      fanId: 42,
      productId: 3,
      productType: 'credits' as const,
      productAmount: 10,
      productLabel: '10 credits',
      source: 'quick_buy' as const,
      attemptId: null,
      paymentId: 9,
    };
    expect(decodePurchase(encodePurchase(p))).toEqual(p);
    expect(decodePurchase({ order: '1' })).toBeNull();
    expect(decodePurchase({ ...encodePurchase(p), premiumbot_source: 'other' })).toBeNull();
  });
});
