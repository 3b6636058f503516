/**
 * The Stripe side of `products sync`, planned without I/O: create what the catalog lists and
 * Stripe lacks (never delete), archive only on request, and bring a product's Stars price
 * (`premiumbot_stars` metadata) and Star subscription (`premiumbot_stars_subscription`) in line
 * with the catalog.
 */
import { productKey, type CatalogItem, type RemoteProduct } from '../catalog.js';

/** One change `products sync` makes on Stripe. */
export type StripeChange =
  | { kind: 'create-product'; item: CatalogItem }
  | { kind: 'create-price'; item: CatalogItem; productId: string }
  | { kind: 'rename-product'; item: CatalogItem; productId: string; from: string }
  | { kind: 'reactivate-product'; item: CatalogItem; productId: string }
  /** The product's `premiumbot_stars` metadata set to the catalog's (null: removed). */
  | { kind: 'set-stars'; item: CatalogItem; productId: string; from: number | null }
  /** The product's `premiumbot_stars_subscription` metadata set to the catalog's. */
  | { kind: 'set-stars-subscription'; item: CatalogItem; productId: string }
  | {
      kind: 'archive-price';
      productId: string;
      priceId: string;
      label: string;
      priceCents: number;
      currency: string;
    }
  | { kind: 'archive-product'; productId: string; label: string };

/** What sync leaves alone, for the report. */
export type StripeKept =
  | { kind: 'unchanged'; item: CatalogItem; productId: string; priceId: string }
  | {
      kind: 'extra-price';
      productId: string;
      priceId: string;
      label: string;
      priceCents: number;
      currency: string;
    }
  | { kind: 'extra-product'; productId: string; label: string };

export interface StripePlan {
  changes: StripeChange[];
  kept: StripeKept[];
}

/**
 * Plans the Stripe side of a sync: create what the catalog lists and Stripe lacks, never
 * delete; prices and products that are not in the catalog are archived only when `archive`.
 */
export function planStripeSync(
  catalog: readonly CatalogItem[],
  remote: readonly RemoteProduct[],
  options: { archive: boolean },
): StripePlan {
  const changes: StripeChange[] = [];
  const kept: StripeKept[] = [];
  const byKey = new Map<string, RemoteProduct[]>();
  for (const product of remote) {
    const list = byKey.get(productKey(product)) ?? [];
    list.push(product);
    byKey.set(productKey(product), list);
  }
  const wantedKeys = new Set(catalog.map(productKey));
  for (const item of catalog) {
    const candidates = byKey.get(productKey(item)) ?? [];
    // Prefer an active product that already has the wanted price, then any active one.
    const withPrice = candidates.find((p) =>
      p.prices.some((pr) => pr.priceCents === item.priceCents && pr.currency === item.currency),
    );
    const product = withPrice ?? candidates.find((p) => p.active) ?? candidates[0];
    if (!product) {
      changes.push({ kind: 'create-product', item });
      continue;
    }
    if (!product.active)
      changes.push({ kind: 'reactivate-product', item, productId: product.productId });
    if (product.label !== item.label) {
      changes.push({
        kind: 'rename-product',
        item,
        productId: product.productId,
        from: product.label,
      });
    }
    if ((product.stars ?? null) !== (item.stars ?? null)) {
      const from = product.stars ?? null;
      changes.push({ kind: 'set-stars', item, productId: product.productId, from });
    }
    if ((product.starsSubscription === true) !== (item.starsSubscription === true))
      changes.push({ kind: 'set-stars-subscription', item, productId: product.productId });
    const price = product.prices.find(
      (pr) => pr.priceCents === item.priceCents && pr.currency === item.currency,
    );
    if (price)
      kept.push({ kind: 'unchanged', item, productId: product.productId, priceId: price.priceId });
    else changes.push({ kind: 'create-price', item, productId: product.productId });
    for (const other of product.prices) {
      if (other === price) continue;
      const extra = {
        productId: product.productId,
        priceId: other.priceId,
        label: product.label,
        priceCents: other.priceCents,
        currency: other.currency,
      };
      if (options.archive) changes.push({ kind: 'archive-price', ...extra });
      else kept.push({ kind: 'extra-price', ...extra });
    }
    for (const duplicate of candidates) {
      if (duplicate === product || !duplicate.active) continue;
      reportExtraProduct(duplicate);
    }
  }
  for (const product of remote) {
    if (wantedKeys.has(productKey(product)) || !product.active) continue;
    reportExtraProduct(product);
  }
  return { changes, kept };

  function reportExtraProduct(product: RemoteProduct): void {
    if (options.archive) {
      for (const price of product.prices) {
        changes.push({
          kind: 'archive-price',
          productId: product.productId,
          priceId: price.priceId,
          label: product.label,
          priceCents: price.priceCents,
          currency: price.currency,
        });
      }
      changes.push({ kind: 'archive-product', productId: product.productId, label: product.label });
    } else {
      kept.push({ kind: 'extra-product', productId: product.productId, label: product.label });
    }
  }
}
