import { describe, expect, it } from 'vitest';
import { ErrorCodes, InvalidAmountError, hasCode } from '../../src/core/errors.js';
import {
  debtToSettle,
  ledgerKeys,
  MAX_LEDGER_AMOUNT,
  splitRefund,
  validateAmount,
  validateKey,
} from '../../src/core/ledger.js';

describe('ledgerKeys', () => {
  it('builds the documented keys', () => {
    expect(ledgerKeys.grantCheckout('cs_test_123')).toBe('grant:cs_test_123');
    expect(ledgerKeys.grantPaymentIntent('pi_123')).toBe('grant:pi_123');
    expect(ledgerKeys.spend(987654321)).toBe('spend:987654321');
    expect(ledgerKeys.unlock(42, 7)).toBe('unlock:42:7');
    expect(ledgerKeys.refund('re_1')).toBe('refund:re_1');
    expect(ledgerKeys.gift(555)).toBe('gift:555');
    expect(ledgerKeys.adjust(556)).toBe('adjust:556');
    expect(ledgerKeys.passGrantCheckout('cs_1')).toBe('pass_grant:cs_1');
    expect(ledgerKeys.passStart(9)).toBe('pass_start:9');
    expect(ledgerKeys.debtSettle('grant:cs_1')).toBe('settle:grant:cs_1');
  });

  it('refuses parts that would make keys ambiguous', () => {
    for (const build of [
      () => ledgerKeys.grantCheckout(''),
      () => ledgerKeys.grantCheckout('cs 1'),
      () => ledgerKeys.refund('re:1'),
      () => ledgerKeys.spend(1.5),
      () => ledgerKeys.grantCheckout('x'.repeat(300)),
    ]) {
      const err = (() => {
        try {
          build();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(hasCode(err, ErrorCodes.invalidKey)).toBe(true);
    }
  });
});

describe('validateKey', () => {
  it('accepts stored keys and refuses empty or oversized ones', () => {
    expect(validateKey('spend:1')).toBe('spend:1');
    for (const bad of ['', '   ', 'x'.repeat(256), 5, null]) {
      expect(() => validateKey(bad)).toThrow(/idempotency key/);
    }
  });
});

describe('validateAmount', () => {
  it('accepts positive safe integers up to the cap', () => {
    expect(validateAmount(1)).toBe(1);
    expect(validateAmount(MAX_LEDGER_AMOUNT)).toBe(MAX_LEDGER_AMOUNT);
  });

  it('rejects everything else with a typed error', () => {
    for (const bad of [0, -3, 1.5, Number.NaN, Infinity, MAX_LEDGER_AMOUNT + 1, '5', null]) {
      expect(() => validateAmount(bad, 'cost')).toThrow(InvalidAmountError);
    }
    try {
      validateAmount(-3, 'cost');
    } catch (err) {
      expect(hasCode(err, ErrorCodes.invalidAmount)).toBe(true);
      expect((err as Error).message).toContain('cost');
    }
  });
});

describe('refund and debt rules', () => {
  it('removes up to the balance and owes the rest', () => {
    expect(splitRefund(10, 4)).toEqual({ removed: 4, addedDebt: 0 });
    expect(splitRefund(3, 10)).toEqual({ removed: 3, addedDebt: 7 });
    expect(splitRefund(0, 5)).toEqual({ removed: 0, addedDebt: 5 });
  });

  it('settles debt from purchases only', () => {
    expect(debtToSettle('grant', 7, 5)).toBe(5);
    expect(debtToSettle('grant', 2, 5)).toBe(2);
    expect(debtToSettle('grant', 0, 5)).toBe(0);
    expect(debtToSettle('gift', 7, 5)).toBe(0);
    expect(debtToSettle('adjust', 7, 5)).toBe(0);
  });
});
