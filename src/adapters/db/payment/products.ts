import type { Knex } from 'knex';
import { toProduct } from './mapping.js';
import type { DbPaymentStore } from './types.js';

/** The product catalog as payments read it. */
export function createProductLookup(db: Knex): Pick<DbPaymentStore, 'product' | 'activeProducts'> {
  return {
    async product(id, tx) {
      const row = (await (tx ?? db)('products').where('id', id).first()) as
        Record<string, unknown> | undefined;
      return row ? toProduct(row) : null;
    },

    async activeProducts() {
      const rows = (await db('products')
        .where('active', true)
        .orderBy([
          { column: 'sort', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])) as Record<string, unknown>[];
      return rows.map(toProduct);
    },
  };
}
