/**
 * Money: amounts are integers in each currency's minor units, as Stripe counts them (JPY has
 * none, KWD three, most currencies two). One table of exponents serves parsing, Stripe amounts
 * and every text; one formatter writes amounts in the reader's locale.
 */
import { BoundedMap } from './traffic/bounded-set.js';

/** Stripe's zero-decimal currencies: an amount of 500 is ¥500. */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);

/** Stripe's three-decimal currencies: 5000 is KWD 5.000 (Stripe wants the last digit 0). */
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

/** The presentment currencies Stripe accepts (https://docs.stripe.com/currencies). */
const STRIPE_CURRENCIES = new Set(
  (
    'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd ' +
    'bwp byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp ' +
    'gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw ' +
    'kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ' +
    'ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek ' +
    'sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst ' +
    'xaf xcd xof xpf yer zar zmw'
  ).split(' '),
);

/** True when Stripe can charge in this ISO 4217 code (any case). */
export function isSupportedCurrency(currency: string): boolean {
  return STRIPE_CURRENCIES.has(currency.toLowerCase());
}

/** "XYZ is not a currency Stripe supports…": the one wording for config and catalog errors. */
export function unsupportedCurrencyProblem(currency: string): string {
  return (
    `${currency.toUpperCase()} is not a currency Stripe supports; ` +
    'use a three-letter code from https://docs.stripe.com/currencies such as usd, eur or jpy'
  );
}

/**
 * Telegram Stars (`XTR`): whole Stars, no minor unit. Not a currency Stripe charges in
 * (`isSupportedCurrency` is false), so CURRENCY and catalog `currency` can never be it.
 */
export const STARS_CURRENCY = 'xtr';

/** Digits after the decimal point in the currency's minor unit: 0, 2 or 3. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code) || code === STARS_CURRENCY) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** A parsed amount in minor units, or why the text is not one. */
export type ParsedMoney = { ok: true; minor: number } | { ok: false; problem: string };

/**
 * Reads a decimal string ("5.00", "500", "5.000") in `currency` into minor units, exactly
 * (no floating point). More decimals than the currency has is an error, not a rounding.
 */
export function parseMoney(text: string, currency: string): ParsedMoney {
  const code = currency.toUpperCase();
  if (!isSupportedCurrency(currency))
    return { ok: false, problem: unsupportedCurrencyProblem(code) };
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return { ok: false, problem: `"${text}" is not an amount like "5.00"` };
  const exponent = currencyExponent(currency);
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    const has = exponent === 0 ? 'has no decimals' : `has ${exponent} decimals`;
    return {
      ok: false,
      problem: `"${text}" has more decimals than ${code} allows (${code} ${has})`,
    };
  }
  const minor = Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (exponent === 3 && minor % 10 !== 0) {
    return {
      ok: false,
      problem: `"${text}" is not a multiple of 0.010 (Stripe charges ${code} in multiples of 0.010)`,
    };
  }
  return { ok: true, minor };
}

/** A BCP 47 tag Intl accepts, from a Telegram `language_code` ("pt_BR" → "pt-BR"); else 'en'. */
function localeFor(locale: string | null | undefined): string {
  if (!locale) return 'en';
  try {
    return Intl.getCanonicalLocales(locale.replace(/_/g, '-'))[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/**
 * The number formats in use, built once per locale and currency (issue 17: building one was
 * a tenth of rendering a new fan's card). Locales come from fans' Telegram languages: a
 * bounded cache.
 */
const numberFormats = new BoundedMap<string, Intl.NumberFormat>(64);

/** Grouped digits (`currency` null) or the currency with its own decimals, in `locale`. */
function numberFormat(
  locale: string | null | undefined,
  currency: string | null,
  exponent: number,
): Intl.NumberFormat {
  const key = `${locale ?? ''} ${currency ?? ''}`;
  let format = numberFormats.get(key);
  if (!format) {
    const tag = localeFor(locale);
    format = currency
      ? new Intl.NumberFormat(tag, {
          style: 'currency',
          currency,
          minimumFractionDigits: exponent,
          maximumFractionDigits: exponent,
        })
      : new Intl.NumberFormat(tag);
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * An amount in minor units as the reader writes money: "$5.00", "¥500", "KWD 5.000",
 * "12,50 €" — in `locale` (the fan's Telegram language, or the admin language), always with
 * the currency's own number of decimals.
 */
export function formatMoney(
  minor: number,
  currency: string,
  locale: string | null | undefined,
): string {
  const exponent = currencyExponent(currency);
  if (currency.toLowerCase() === STARS_CURRENCY) {
    // Intl knows no symbol for Stars: "⭐ 250", "⭐ 1,000" (digits grouped in the locale).
    return `⭐ ${numberFormat(locale, null, 0).format(Math.trunc(minor))}`;
  }
  const format = numberFormat(locale, currency.toUpperCase(), exponent);
  // A decimal string, not minor / 100: Intl formats strings exactly (no binary fractions).
  return format.format(decimalString(minor, exponent) as `${number}`);
}

/** 1999, 2 → "19.99"; -5, 3 → "-0.005". */
function decimalString(minor: number, exponent: number): string {
  const digits = Math.abs(Math.trunc(minor))
    .toString()
    .padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
