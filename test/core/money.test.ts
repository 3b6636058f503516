import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  isSupportedCurrency,
  parseMoney,
} from '../../src/core/money.js';
import { countIntlBuilt } from '../helpers/intl.js';

/** Intl separates a currency code from the digits with a no-break space. */
const NBSP = '\u00a0';

describe('minor units per currency', () => {
  it('follows Stripe: zero-decimal, three-decimal, and two for everything else', () => {
    for (const code of ['jpy', 'krw', 'clp', 'vnd', 'xof', 'ugx', 'BIF'])
      expect(currencyExponent(code)).toBe(0);
    for (const code of ['kwd', 'bhd', 'jod', 'omr', 'TND']) expect(currencyExponent(code)).toBe(3);
    for (const code of ['usd', 'eur', 'gbp', 'chf', 'inr']) expect(currencyExponent(code)).toBe(2);
  });

  it('knows which currencies Stripe supports', () => {
    expect(isSupportedCurrency('usd')).toBe(true);
    expect(isSupportedCurrency('JPY')).toBe(true);
    expect(isSupportedCurrency('kwd')).toBe(true);
    expect(isSupportedCurrency('xyz')).toBe(false);
    expect(isSupportedCurrency('xtr')).toBe(false);
    expect(isSupportedCurrency('us')).toBe(false);
  });
});

describe('parseMoney', () => {
  it('reads a decimal string in the currency’s own minor units, exactly', () => {
    expect(parseMoney('5.00', 'usd')).toEqual({ ok: true, minor: 500 });
    expect(parseMoney('0.1', 'usd')).toEqual({ ok: true, minor: 10 });
    expect(parseMoney('19.99', 'eur')).toEqual({ ok: true, minor: 1999 });
    expect(parseMoney('15', 'usd')).toEqual({ ok: true, minor: 1500 });
    expect(parseMoney('500', 'jpy')).toEqual({ ok: true, minor: 500 });
    expect(parseMoney('5.000', 'kwd')).toEqual({ ok: true, minor: 5000 });
    expect(parseMoney('5', 'kwd')).toEqual({ ok: true, minor: 5000 });
    expect(parseMoney('1.25', 'bhd')).toEqual({ ok: true, minor: 1250 });
  });

  it('refuses more decimals than the currency has, and anything that is not an amount', () => {
    expect(parseMoney('500.5', 'jpy')).toMatchObject({ ok: false });
    expect(parseMoney('500.00', 'jpy')).toMatchObject({ ok: false });
    expect(parseMoney('1.005', 'usd')).toMatchObject({ ok: false });
    expect(parseMoney('5.0001', 'kwd')).toMatchObject({ ok: false });
    expect(parseMoney('-1', 'usd')).toMatchObject({ ok: false });
    expect(parseMoney('1e3', 'usd')).toMatchObject({ ok: false });
    expect(parseMoney('free', 'usd')).toMatchObject({ ok: false });
    const jpy = parseMoney('500.5', 'jpy');
    expect(!jpy.ok && jpy.problem).toMatch(/JPY has no decimals/);
    const usd = parseMoney('1.005', 'usd');
    expect(!usd.ok && usd.problem).toMatch(/USD has 2 decimals/);
  });

  it('refuses three-decimal amounts Stripe cannot charge (the last digit must be 0)', () => {
    const result = parseMoney('5.005', 'kwd');
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.problem).toMatch(/multiples of 0\.010/);
  });

  it('refuses currencies Stripe does not support, naming them', () => {
    const result = parseMoney('5', 'xyz');
    expect(!result.ok && result.problem).toMatch(/XYZ is not a currency Stripe supports/);
  });
});

describe('formatMoney', () => {
  it('formats in the reader’s locale with the currency’s own decimals', () => {
    expect(formatMoney(500, 'usd', 'en')).toBe('$5.00');
    expect(formatMoney(500, 'jpy', 'en')).toBe('¥500');
    expect(formatMoney(5000, 'kwd', 'en')).toBe(`KWD${NBSP}5.000`);
    expect(formatMoney(1250, 'eur', 'en')).toBe('€12.50');
    expect(formatMoney(1250, 'eur', 'de')).toBe(`12,50${NBSP}€`);
    expect(formatMoney(500, 'usd', 'en-CA')).toBe('US$5.00');
    expect(formatMoney(123456, 'jpy', 'en')).toBe('¥123,456');
    expect(formatMoney(1, 'bhd', 'en')).toBe(`BHD${NBSP}0.001`);
  });

  it('falls back to English for a missing or malformed locale', () => {
    expect(formatMoney(500, 'usd', undefined)).toBe('$5.00');
    expect(formatMoney(500, 'usd', null)).toBe('$5.00');
    expect(formatMoney(500, 'usd', 'not a locale!')).toBe('$5.00');
    expect(formatMoney(500, 'jpy', 'pt_BR')).toBe(`JP¥${NBSP}500`);
  });
});

describe('formats built once (issue 17)', () => {
  it('reuses a locale and currency’s number format instead of building one per amount', () => {
    const { built, result: texts } = countIntlBuilt('NumberFormat', () => {
      const texts = [1, 2, 3, 4].map((n) => formatMoney(n * 100, 'chf', 'de-CH'));
      formatMoney(250, 'xtr', 'de-CH');
      formatMoney(250, 'xtr', 'de-CH');
      return texts;
    });
    // One format for CHF in de-CH, one for Stars' digits: not one per call.
    expect(built).toBeLessThanOrEqual(2);
    // The same texts as a fresh format gives.
    expect(texts[0]).toBe(
      new Intl.NumberFormat('de-CH', { style: 'currency', currency: 'CHF' }).format(1),
    );
    expect(formatMoney(100, 'chf', 'fr')).not.toBe(texts[0]);
  });
});
