/** The fan-facing product list: active rows of `products`, in display order. */
import type { Knex } from 'knex';
import type { ProductCatalogPort } from '../../core/fan-account.js';
import { createProductStore } from './product-store.js';

export function createProductCatalog(db: Knex): ProductCatalogPort {
  const store = createProductStore(db);
  return {
    async activeProducts() {
      const products = await store.list({ activeOnly: true });
      return products.map((p) => ({
        id: p.id,
        label: p.label,
        type: p.type,
        amount: p.amount,
        priceCents: p.priceCents,
        currency: p.currency,
      }));
    },
  };
}
