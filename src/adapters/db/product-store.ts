/**
 * The local `products` table: what the bot sells, mirrored from Stripe by `products sync`
 * and changed from `/products`. Every write bumps `catalog_revision` in its transaction, so
 * every instance's shop reloads its cached list within a second (product-catalog.ts), and
 * this process's own shop at its next read (`localCatalogWrites`).
 */
import type { Knex } from 'knex';
import type { CatalogItem, LocalChange, LocalProduct, ProductType } from '../../core/catalog.js';
import type { ProductRows } from '../../core/products/admin.js';
import type { LocalOnlyChange } from '../../core/products/local-plan.js';
import { toBool, toInt } from './rows.js';

export interface ProductStore extends ProductRows {
  /** Every product row, active first, in display order. */
  list(options?: { activeOnly?: boolean }, trx?: Knex.Transaction): Promise<LocalProduct[]>;
  /** Applies the changes planned by `planLocalSync`, in one transaction. */
  apply(changes: readonly LocalChange[]): Promise<void>;
  /** Applies a catalog file written without Stripe (`planLocalOnlySync`), in one transaction. */
  applyLocalOnly(changes: readonly LocalOnlyChange[]): Promise<void>;
}

/** Transactions that count as a sale: paid, not refunded in full, not lost in a dispute. */
const SOLD_STATUSES = ['paid', 'partially_refunded'];

/** The catalog revision (null on a database migrated before it existed). */
export async function readCatalogRevision(db: Knex): Promise<number | null> {
  try {
    const row = (await db('catalog_revision').where('id', 1).first('revision')) as
      { revision: unknown } | undefined;
    return row ? Number(row.revision) : null;
  } catch {
    return null;
  }
}

/** Changes these rows (and the catalog's revision, so every instance reloads it). */
async function updateRows(
  db: Knex,
  ids: readonly number[],
  values: Record<string, unknown>,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('products')
      .whereIn('id', [...ids])
      .update({ ...values, updated_at: new Date() });
    await bumpRevision(trx);
  });
}

/** Product writes made by this process (bumped before and after each commits). */
let localWrites = 0;

/** A count that moves with every product write of this process: its catalogs reload at once. */
export function localCatalogWrites(): number {
  return localWrites;
}

async function bumpRevision(trx: Knex.Transaction): Promise<void> {
  if (await trx.schema.hasTable('catalog_revision')) {
    await trx('catalog_revision').where('id', 1).increment('revision', 1);
  }
  // Now and once committed: a read in between may have cached the rows before the commit.
  localWrites += 1;
  const committed = (trx as { executionPromise?: Promise<unknown> }).executionPromise;
  committed?.then(
    () => (localWrites += 1),
    () => {},
  );
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
  stars?: unknown;
  stars_subscription?: unknown;
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
    stars: row.stars === null || row.stars === undefined ? null : toInt(row.stars),
    starsSubscription: toBool(row.stars_subscription ?? false),
  };
}

/** Writes a catalog file made without Stripe into the table, in one transaction. */
async function applyLocalOnly(db: Knex, changes: readonly LocalOnlyChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.transaction(async (trx) => {
    const now = new Date();
    for (const change of changes) {
      if (change.kind === 'deactivate') {
        await trx('products').where('id', change.id).update({ active: false, updated_at: now });
        continue;
      }
      const { item } = change;
      if (change.kind === 'insert') {
        await trx('products').insert({
          label: item.label,
          type: item.type,
          amount: item.amount,
          price_cents: item.priceCents,
          currency: item.currency,
          stars: item.stars ?? null,
          stars_subscription: item.starsSubscription === true,
          active: true,
          sort: change.sort,
          created_at: now,
          updated_at: now,
        });
        continue;
      }
      const values: Record<string, unknown> = {
        stars: item.stars ?? null,
        stars_subscription: item.starsSubscription === true,
        active: true,
        sort: change.sort,
        updated_at: now,
      };
      if (change.fields.includes('label')) values.label = item.label;
      if (change.fields.includes('price')) {
        values.price_cents = item.priceCents;
        values.currency = item.currency;
      }
      await trx('products').where('id', change.id).update(values);
    }
    await bumpRevision(trx);
  });
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
            stars: change.price.stars ?? null,
            stars_subscription: change.price.starsSubscription === true,
            active: true,
            sort: change.sort,
            updated_at: now,
          };
          if (change.kind === 'insert')
            await trx('products').insert({ ...values, created_at: now });
          else await trx('products').where('id', change.id).update(values);
        }
        await bumpRevision(trx);
      });
    },
    applyLocalOnly: (changes) => applyLocalOnly(db, changes),
    async salesCounts() {
      const rows = (await db('transactions')
        .whereNotNull('product_id')
        .whereIn('status', SOLD_STATUSES)
        .where((q) => q.whereNull('dispute_status').orWhereNot('dispute_status', 'lost'))
        .groupBy('product_id')
        .select('product_id', db.raw('COUNT(*) AS sales'))) as {
        product_id: unknown;
        sales: unknown;
      }[];
      return new Map(rows.map((r) => [toInt(r.product_id), toInt(r.sales)]));
    },
    async insertCreated(item: CatalogItem, ids: { productId: string; priceId: string }) {
      return db.transaction(async (trx) => {
        const existing = (await trx('products').where('stripe_price_id', ids.priceId).first()) as
          ProductRow | undefined;
        if (existing) return fromRow(existing);
        const last = (await trx('products').max({ sort: 'sort' }).first()) as
          { sort: unknown } | undefined;
        const now = new Date();
        await trx('products').insert({
          label: item.label,
          type: item.type,
          amount: item.amount,
          price_cents: item.priceCents,
          currency: item.currency,
          stripe_product_id: ids.productId,
          stripe_price_id: ids.priceId,
          stars: item.stars ?? null,
          stars_subscription: item.starsSubscription === true,
          active: true,
          sort: toInt(last?.sort) + 10,
          created_at: now,
          updated_at: now,
        });
        await bumpRevision(trx);
        const row = (await trx('products')
          .where('stripe_price_id', ids.priceId)
          .first()) as ProductRow;
        return fromRow(row);
      });
    },
    async setActive(ids, active) {
      if (ids.length === 0) return;
      await db.transaction(async (trx) => {
        await trx('products')
          .whereIn('id', [...ids])
          .update({ active, updated_at: new Date() });
        await bumpRevision(trx);
      });
    },
    setStars: (ids, stars) => updateRows(db, ids, { stars }),
    setStarsSubscription: (id, on) => updateRows(db, [id], { stars_subscription: on }),
    async setOrder(ids) {
      await db.transaction(async (trx) => {
        const now = new Date();
        for (const [index, id] of ids.entries()) {
          await trx('products')
            .where('id', id)
            .update({ sort: (index + 1) * 10, updated_at: now });
        }
        await bumpRevision(trx);
      });
    },
  };
}
