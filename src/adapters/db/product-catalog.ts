/**
 * The fan-facing product list: active rows of `products`, in display order. Cached
 * briefly (`ttlMs`, default 10 s): it is read for every buy prompt and alert.
 */
import type { Knex } from 'knex';
import type { ProductCatalogPort, ProductOffer } from '../../core/fan-account.js';
import { createProductStore } from './product-store.js';

export function createProductCatalog(
  db: Knex,
  options: { ttlMs?: number } = {},
): ProductCatalogPort {
  const store = createProductStore(db);
  const ttlMs = options.ttlMs ?? 10_000;
  let cache: { at: number; products: ProductOffer[] } | null = null;
  return {
    async activeProducts() {
      if (cache && Date.now() - cache.at < ttlMs) return cache.products;
      const products = (await store.list({ activeOnly: true })).map((p) => ({
        id: p.id,
        label: p.label,
        type: p.type,
        amount: p.amount,
        priceCents: p.priceCents,
        currency: p.currency,
      }));
      cache = { at: Date.now(), products };
      return products;
    },
  };
}
