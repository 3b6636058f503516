import { describe, expect, it } from 'vitest';
import type { LocalChange, LocalProduct, RemotePrice } from '../../src/core/catalog.js';
import {
  checkAmount,
  checkDraft,
  checkLabel,
  checkPrice,
  parseDuration,
} from '../../src/core/products/draft.js';
import { keepLocalOrder } from '../../src/core/products/order.js';

const row = (id: number, sort: number, amount = id * 10): LocalProduct => ({
  id,
  label: `${amount} credits`,
  type: 'credits',
  amount,
  priceCents: 500,
  currency: 'usd',
  stripeProductId: `prod_${id}`,
  stripePriceId: `price_${id}`,
  active: true,
  sort,
});

const price = (id: number, amount: number): RemotePrice => ({
  productId: `prod_${id}`,
  priceId: `price_${id}`,
  label: `${amount} credits`,
  type: 'credits',
  amount,
  priceCents: 500,
  currency: 'usd',
});

describe('the panel’s product answers, checked with the catalog file’s rules', () => {
  it('labels: trimmed, not empty, one line', () => {
    expect(checkLabel('  10 credits ', 'usd')).toEqual({ ok: true, value: '10 credits' });
    expect(checkLabel('  ', 'usd')).toEqual({ ok: false, problems: ['label must not be empty'] });
    expect(checkLabel('a\nb', 'usd').ok).toBe(false);
  });

  it('amounts: whole credits; durations with a unit or in seconds', () => {
    expect(checkAmount('credits', '25', 'usd')).toEqual({ ok: true, value: 25 });
    expect(checkAmount('credits', '0', 'usd')).toEqual({
      ok: false,
      problems: ['amount must be positive'],
    });
    expect(checkAmount('credits', '2.5', 'usd').ok).toBe(false);
    expect(parseDuration('90m')).toBe(5_400);
    expect(parseDuration('1 hour')).toBe(3_600);
    expect(parseDuration('7d')).toBe(604_800);
    expect(parseDuration('3600')).toBe(3_600);
    expect(parseDuration('soon')).toBeUndefined();
    expect(checkAmount('time', '1h', 'usd')).toEqual({ ok: true, value: 3_600 });
  });

  it('prices: in the currency’s minor units, with its decimals', () => {
    expect(checkPrice('9.50', 'usd')).toEqual({ ok: true, value: 950 });
    expect(checkPrice('$5', 'usd')).toEqual({ ok: true, value: 500 });
    expect(checkPrice('500', 'jpy')).toEqual({ ok: true, value: 500 });
    expect(checkPrice('5.5', 'jpy')).toEqual({
      ok: false,
      problems: ['price "5.5" has more decimals than JPY allows (JPY has no decimals)'],
    });
    expect(checkPrice('0', 'usd').ok).toBe(false);
  });

  it('a finished draft is refused while another active product sells the same amount', () => {
    const draft = { id: 'd', label: 'Ten', type: 'credits' as const, amount: 10, price: 400 };
    const result = checkDraft({ ...draft, currency: 'usd' }, [row(1, 10)]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/“10 credits” already sells 10 credits/);
    expect(checkDraft({ ...draft, currency: 'usd' }, [{ ...row(1, 10), active: false }])).toEqual({
      ok: true,
      value: { label: 'Ten', type: 'credits', amount: 10, priceCents: 400, currency: 'usd' },
    });
  });
});

describe('keepLocalOrder (a pull-only sync keeps the order set in /products)', () => {
  it('existing rows keep their place, new rows go last, sort-only updates vanish', () => {
    const local = [row(1, 20), row(2, 10)];
    const changes: LocalChange[] = [
      { kind: 'update', id: 1, price: price(1, 10), sort: 10, fields: ['sort'] },
      { kind: 'update', id: 2, price: price(2, 20), sort: 20, fields: ['label', 'sort'] },
      { kind: 'insert', price: price(3, 30), sort: 30 },
    ];
    expect(keepLocalOrder(changes, local)).toEqual([
      { kind: 'update', id: 2, price: price(2, 20), sort: 10, fields: ['label'] },
      { kind: 'insert', price: price(3, 30), sort: 30 },
    ]);
  });
});
