/**
 * Stars revenue next to money: Stars (`xtr`) are their own currency on the dashboard, never
 * added to money. With `payments.stars_rate` set (the value of one Star in CURRENCY), the
 * dashboard also shows an estimate, labelled as one, computed exactly (decimal rate × Stars,
 * rounded half up to the currency's minor unit).
 */
import { STARS_CURRENCY, currencyExponent } from '../money.js';

/** The Stars of a revenue list, and what they are worth at the configured rate. */
export interface StarsEstimate {
  stars: number;
  /** CURRENCY minor units. */
  minor: number;
  currency: string;
  /** The rate as the setting says it (a decimal in CURRENCY per Star). */
  rate: string;
}

const RATE = /^(\d{1,6})(?:\.(\d{1,6}))?$/;

/** The estimate for the Stars in `revenue`; null without Stars or without a valid rate. */
export function starsEstimate(
  revenue: readonly { currency: string; minor: number }[],
  rate: string | undefined,
  currency: string,
): StarsEstimate | null {
  const stars = revenue.find((m) => m.currency === STARS_CURRENCY)?.minor ?? 0;
  const match = RATE.exec((rate ?? '').trim());
  if (stars <= 0 || !match || currency.toLowerCase() === STARS_CURRENCY) return null;
  const fraction = match[2] ?? '';
  const scaled = BigInt(`${match[1]}${fraction}`); // rate × 10^digits
  if (scaled === 0n) return null;
  const digits = BigInt(fraction.length);
  const exponent = BigInt(currencyExponent(currency));
  // stars × rate in minor units = stars × scaled × 10^exponent / 10^digits, half up.
  const numerator = BigInt(stars) * scaled * 10n ** exponent * 2n;
  const denominator = 10n ** digits * 2n;
  const minor = Number((numerator + denominator / 2n) / denominator);
  return { stars, minor, currency: currency.toLowerCase(), rate: rate!.trim() };
}
