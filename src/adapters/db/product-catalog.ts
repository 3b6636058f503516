/**
 * The fan-facing product list: active rows of `products`, in display order. Read for every
 * buy prompt and alert, so it is cached; each read first checks `catalog_revision` (one
 * row, bumped by every write to `products` on any instance) and reloads when it moved, so a
 * product created, archived or moved from `/products` or by `products sync` reaches every
 * instance's shop at its next read. The TTL (default 10 s) is a backstop for rows changed
 * by hand.
 */
import type { Knex } from 'knex';
import type { LocalProduct } from '../../core/catalog.js';
import type { ProductCatalogPort, ProductOffer } from '../../core/fan-account.js';
import { productRails, type PaymentRails } from '../../core/payments/rails.js';
import { createProductStore, readCatalogRevision } from './product-store.js';

export interface ProductCatalogOptions {
  ttlMs?: number;
  /**
   * The payment rails in force for these products; with it, each offer says how it is sold
   * (money, Stars) and products sold neither way are left out. Without it (no payments
   * configured), every product is offered as before and the payments fallback answers.
   */
  rails?: (products: readonly LocalProduct[]) => Promise<PaymentRails>;
}

export function createProductCatalog(
  db: Knex,
  options: ProductCatalogOptions = {},
): ProductCatalogPort {
  const store = createProductStore(db);
  const ttlMs = options.ttlMs ?? 10_000;
  let cache: { at: number; revision: number | null; products: LocalProduct[] } | null = null;
  const list = async (): Promise<LocalProduct[]> => {
    // Read before the list: a write landing in between makes the next read reload.
    const revision = await readCatalogRevision(db);
    if (cache && cache.revision === revision && Date.now() - cache.at < ttlMs) {
      return cache.products;
    }
    const products = await store.list({ activeOnly: true });
    cache = { at: Date.now(), revision, products };
    return products;
  };
  return {
    async activeProducts() {
      const products = await list();
      // The rails are read at every call (the setting has its own cache): no stale shop.
      const rails = options.rails ? await options.rails(products) : undefined;
      return products.flatMap((p): ProductOffer[] => {
        const offer: ProductOffer = {
          id: p.id,
          label: p.label,
          type: p.type,
          amount: p.amount,
          priceCents: p.priceCents,
          currency: p.currency,
        };
        if (!rails) return [offer];
        const on = productRails(p, rails);
        if (!on.stripe && !on.stars) return [];
        return [{ ...offer, money: on.stripe, ...(on.stars ? { stars: p.stars! } : {}) }];
      });
    },
  };
}
