/**
 * Premiumbot products on Stripe: one product per catalog item, carrying `premiumbot_type`
 * and `premiumbot_amount` metadata (what `products sync` pulls) and, when it is sold for
 * Telegram Stars too, `premiumbot_stars` (and `premiumbot_stars_subscription` for a pass sold
 * as a Star subscription), with a one-time default
 * price. The one place that creates them, for `products sync` and for `/products`.
 */
import { CATALOG_METADATA, type CatalogItem } from '../../core/catalog.js';
import { INSTALL_METADATA_KEY } from '../../core/payments/install.js';
import type { StripeProducts } from '../../core/products/admin.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';

export interface CreateProductOptions {
  /** Same key, same product: a retry after a lost answer never makes a second one. */
  idempotencyKey?: string;
  /** Written as `premiumbot_install` metadata (several installs may share an account). */
  installId?: string;
  /** False: created archived (activated once the caller is ready). */
  active?: boolean;
}

/** Creates a premiumbot product and its price; returns both ids. Throws stripeFailure. */
export async function createStripeProduct(
  stripe: StripeClient,
  item: CatalogItem,
  options: CreateProductOptions = {},
): Promise<{ productId: string; priceId: string }> {
  try {
    const product = await stripe.products.create(
      {
        name: item.label,
        ...(options.active === false ? { active: false } : {}),
        metadata: {
          [CATALOG_METADATA.type]: item.type,
          [CATALOG_METADATA.amount]: String(item.amount),
          ...(item.stars != null ? { [CATALOG_METADATA.stars]: String(item.stars) } : {}),
          ...(item.starsSubscription ? { [CATALOG_METADATA.starsSubscription]: 'true' } : {}),
          ...(options.installId ? { [INSTALL_METADATA_KEY]: options.installId } : {}),
        },
        default_price_data: { currency: item.currency, unit_amount: item.priceCents },
      },
      options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : undefined,
    );
    const price = product.default_price;
    const priceId = typeof price === 'string' ? price : (price?.id ?? '');
    return { productId: product.id, priceId };
  } catch (cause) {
    throw stripeFailure('create product', cause);
  }
}

/** Archives (false) or restores (true) a product; setting the state it has changes nothing. */
export async function setStripeProductActive(
  stripe: StripeClient,
  productId: string,
  active: boolean,
): Promise<void> {
  try {
    await stripe.products.update(productId, { active });
  } catch (cause) {
    throw stripeFailure(active ? 'reactivate product' : 'archive product', cause);
  }
}

/** Sets the product's Stars price (`premiumbot_stars`); null removes it (Stripe unsets ''). */
export async function setStripeProductStars(
  stripe: StripeClient,
  productId: string,
  stars: number | null,
): Promise<void> {
  try {
    await stripe.products.update(productId, {
      metadata: { [CATALOG_METADATA.stars]: stars === null ? '' : String(stars) },
    });
  } catch (cause) {
    throw stripeFailure('set the Stars price', cause);
  }
}

/** Sets (`true`) or removes the product's `premiumbot_stars_subscription` metadata. */
export async function setStripeProductStarsSubscription(
  stripe: StripeClient,
  productId: string,
  on: boolean,
): Promise<void> {
  try {
    await stripe.products.update(productId, {
      metadata: { [CATALOG_METADATA.starsSubscription]: on ? 'true' : '' },
    });
  } catch (cause) {
    throw stripeFailure('set the Star subscription', cause);
  }
}

/** Archives (false) or restores (true) a price. */
export async function setStripePriceActive(
  stripe: StripeClient,
  priceId: string,
  active: boolean,
): Promise<void> {
  try {
    await stripe.prices.update(priceId, { active });
  } catch (cause) {
    throw stripeFailure(active ? 'reactivate price' : 'archive price', cause);
  }
}

/** The port `/products` uses (core/products/admin.ts). */
export function stripeProducts(stripe: StripeClient): StripeProducts {
  return {
    create: (item, options) => createStripeProduct(stripe, item, options),
    setProductActive: (productId, active) => setStripeProductActive(stripe, productId, active),
    setPriceActive: (priceId, active) => setStripePriceActive(stripe, priceId, active),
    setStars: (productId, stars) => setStripeProductStars(stripe, productId, stars),
    setStarsSubscription: (productId, on) =>
      setStripeProductStarsSubscription(stripe, productId, on),
  };
}
