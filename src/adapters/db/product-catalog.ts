/**
 * The fan-facing product list: active rows of `products`, in display order. Read for every
 * fan message (the low-balance prompt offers it), buy prompt and alert, so it is cached. A
 * read checks `catalog_revision` (one row, bumped by every write to `products` on any
 * instance) at most once a second and reloads when it moved, so a product created, archived
 * or moved from `/products` or by `products sync` reaches every instance's shop within a
 * second — this process's own shop at its next read (the store counts its writes,
 * `localCatalogWrites`). The TTL (default 10 s) is a backstop for rows changed by hand.
 */
import type { Knex } from 'knex';
import type { LocalProduct } from '../../core/catalog.js';
import type { ProductCatalogPort, ProductOffer } from '../../core/fan-account.js';
import { productRails, type PaymentRails } from '../../core/payments/rails.js';
import { createProductStore, localCatalogWrites, readCatalogRevision } from './product-store.js';

export interface ProductCatalogOptions {
  ttlMs?: number;
  /** How often a cached read checks `catalog_revision` (another instance's writes). */
  revisionCheckMs?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  /**
   * The payment rails in force for these products; with it, each offer says how it is sold
   * (money, Stars) and products sold neither way are left out. Without it (no payments
   * configured), every product is offered as before and the payments fallback answers.
   */
  rails?: (products: readonly LocalProduct[]) => Promise<PaymentRails>;
}

/** How often a cached list checks `catalog_revision` by default (as the settings cache). */
export const DEFAULT_REVISION_CHECK_MS = 1_000;

export function createProductCatalog(
  db: Knex,
  options: ProductCatalogOptions = {},
): ProductCatalogPort {
  const store = createProductStore(db);
  const ttlMs = options.ttlMs ?? 10_000;
  const revisionCheckMs = options.revisionCheckMs ?? DEFAULT_REVISION_CHECK_MS;
  const now = options.now ?? Date.now;
  let cache: {
    at: number;
    checkedAt: number;
    revision: number | null;
    local: number;
    products: LocalProduct[];
  } | null = null;
  // The check or reload in flight: concurrent reads (50 fan messages at once) share it.
  let pending: { local: number; products: Promise<LocalProduct[]> } | null = null;
  const refresh = async (at: number, local: number, fresh: boolean) => {
    // Read before the list: a write landing in between makes the next check reload.
    const revision = await readCatalogRevision(db);
    if (fresh && cache && cache.revision === revision) {
      cache.checkedAt = at;
      return cache.products;
    }
    const products = await store.list({ activeOnly: true });
    cache = { at, checkedAt: at, revision, local, products };
    return products;
  };
  const list = (): Promise<LocalProduct[]> => {
    const at = now();
    const local = localCatalogWrites();
    const fresh = cache !== null && cache.local === local && at - cache.at < ttlMs;
    if (fresh && at - cache!.checkedAt < revisionCheckMs) return Promise.resolve(cache!.products);
    // One started before this process's last write cannot answer for it.
    if (pending && pending.local === local) return pending.products;
    const entry = { local, products: refresh(at, local, fresh) };
    pending = entry;
    const clear = () => {
      if (pending === entry) pending = null;
    };
    entry.products.then(clear, clear);
    return entry.products;
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
