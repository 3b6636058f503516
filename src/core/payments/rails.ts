/**
 * Payment rails: how fans may pay. `payments.rails` (a setting) chooses among Stripe (cards,
 * in CURRENCY) and Telegram Stars (`XTR`); `auto`, the default, is computed: Stars are
 * offered as soon as an active product has a Stars price, Stripe whenever it is configured.
 * Stripe is configured when STRIPE_API_KEY is set (env, read before the settings table is):
 * without it the Stripe rail is off whatever the setting says.
 */

/** The values of the `payments.rails` setting. */
export const RAIL_SETTINGS = ['auto', 'stripe', 'stars', 'both'] as const;
export type RailSetting = (typeof RAIL_SETTINGS)[number];

/** Which rails the shop offers right now. */
export interface PaymentRails {
  stripe: boolean;
  stars: boolean;
}

/** The smallest and largest Stars price of one invoice (Telegram's limits). */
export const STARS_MIN = 1;
export const STARS_MAX = 10_000;

/** A Star subscription's period: Telegram allows 30 days (2592000 s) only. */
export const STARS_SUBSCRIPTION_PERIOD = 2_592_000;

/** True when `product` is sold as a Star subscription (a time pass renewed every 30 days). */
export function isStarsSubscription(product: {
  type: string;
  stars?: number | null;
  starsSubscription?: boolean;
}): boolean {
  return (
    product.starsSubscription === true && product.type === 'time' && isStarsPrice(product.stars)
  );
}

/** True when `value` is a Stars price Telegram accepts in an invoice: a whole 1–10,000. */
export function isStarsPrice(value: unknown): value is number {
  return (
    Number.isInteger(value) && (value as number) >= STARS_MIN && (value as number) <= STARS_MAX
  );
}

/**
 * The rails in force: the setting, bounded by what is configured. `auto` → Stripe when
 * configured, Stars when a product on sale has a Stars price (both when both hold).
 */
export function effectiveRails(
  setting: RailSetting,
  facts: { stripeConfigured: boolean; anyStarsPrice: boolean },
): PaymentRails {
  const stripe = facts.stripeConfigured && setting !== 'stars';
  switch (setting) {
    case 'auto':
      return { stripe, stars: facts.anyStarsPrice };
    case 'stripe':
      return { stripe, stars: false };
    case 'stars':
      return { stripe: false, stars: true };
    case 'both':
      return { stripe, stars: true };
  }
}

/** A product as the rails see it: its Stripe price, its Stars price. */
export interface RailProduct {
  stripePriceId: string | null;
  stars?: number | null;
}

/** How one product may be bought under `rails`: for money (Stripe), for Stars, both or neither. */
export function productRails(product: RailProduct, rails: PaymentRails): PaymentRails {
  return {
    stripe: rails.stripe && product.stripePriceId !== null,
    stars: rails.stars && isStarsPrice(product.stars),
  };
}

/** The rails of a list of products on sale (the shop's and `/buy<N>`'s view). */
export function railsFor(
  setting: RailSetting,
  stripeConfigured: boolean,
  products: readonly RailProduct[],
): PaymentRails {
  const anyStarsPrice = products.some((p) => isStarsPrice(p.stars));
  return effectiveRails(setting, { stripeConfigured, anyStarsPrice });
}
