/** The local `products` table: what the bot sells, mirrored from Stripe by `products sync`. */
import type { Knex } from 'knex';
import type { LocalChange, LocalProduct, ProductType } from '../../core/catalog.js';
import { toBool, toInt } from './rows.js';

export interface ProductStore {
  /** Every product row, active first, in display order. */
  list(options?: { activeOnly?: boolean }, trx?: Knex.Transaction): Promise<LocalProduct[]>;
  /** Applies the changes planned by `planLocalSync`, in one transaction. */
  apply(changes: readonly LocalChange[]): Promise<void>;
}

interface ProductRow {
  id: number;
  label: string;
  type: string;
  amount: number;
  price_cents: number;
  currency: string;
  stripe_product_id: string | null;
  stripe_price_id: string | null;
  active: unknown;
  sort: number;
}

function fromRow(row: ProductRow): LocalProduct {
  return {
    id: toInt(row.id),
    label: row.label,
    type: row.type as ProductType,
    amount: toInt(row.amount),
    priceCents: toInt(row.price_cents),
    currency: row.currency,
    stripeProductId: row.stripe_product_id,
    stripePriceId: row.stripe_price_id,
    active: toBool(row.active),
    sort: toInt(row.sort),
  };
}

/** A store over the `products` table. */
export function createProductStore(db: Knex): ProductStore {
  return {
    async list(options = {}, trx) {
      let query = (trx ?? db)<ProductRow>('products');
      if (options.activeOnly) query = query.where('active', true);
      const rows = (await query.orderBy([
        { column: 'active', order: 'desc' },
        { column: 'sort', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])) as ProductRow[];
      return rows.map(fromRow);
    },
    async apply(changes) {
      if (changes.length === 0) return;
      await db.transaction(async (trx) => {
        const now = new Date();
        for (const change of changes) {
          if (change.kind === 'deactivate') {
            await trx('products').where('id', change.id).update({ active: false, updated_at: now });
            continue;
          }
          const values = {
            label: change.price.label,
            type: change.price.type,
            amount: change.price.amount,
            price_cents: change.price.priceCents,
            currency: change.price.currency,
            stripe_product_id: change.price.productId,
            stripe_price_id: change.price.priceId,
            active: true,
            sort: change.sort,
            updated_at: now,
          };
          if (change.kind === 'insert')
            await trx('products').insert({ ...values, created_at: now });
          else await trx('products').where('id', change.id).update(values);
        }
      });
    },
  };
}
