/**
 * The fan-facing product list: active rows of `products`, in display order. Read for every
 * buy prompt and alert, so it is cached; each read first checks `catalog_revision` (one
 * row, bumped by every write to `products` on any instance) and reloads when it moved, so a
 * product created, archived or moved from `/products` or by `products sync` reaches every
 * instance's shop at its next read. The TTL (default 10 s) is a backstop for rows changed
 * by hand.
 */
import type { Knex } from 'knex';
import type { ProductCatalogPort, ProductOffer } from '../../core/fan-account.js';
import { createProductStore, readCatalogRevision } from './product-store.js';

export function createProductCatalog(
  db: Knex,
  options: { ttlMs?: number } = {},
): ProductCatalogPort {
  const store = createProductStore(db);
  const ttlMs = options.ttlMs ?? 10_000;
  let cache: { at: number; revision: number | null; products: ProductOffer[] } | null = null;
  return {
    async activeProducts() {
      // Read before the list: a write landing in between makes the next read reload.
      const revision = await readCatalogRevision(db);
      if (cache && cache.revision === revision && Date.now() - cache.at < ttlMs) {
        return cache.products;
      }
      const products = (await store.list({ activeOnly: true })).map((p) => ({
        id: p.id,
        label: p.label,
        type: p.type,
        amount: p.amount,
        priceCents: p.priceCents,
        currency: p.currency,
      }));
      cache = { at: Date.now(), revision, products };
      return products;
    },
  };
}
