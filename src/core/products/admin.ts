/**
 * The catalog managed from Telegram (`/products`): create a product on Stripe and in the
 * shop, archive and restore it, change the order fans see. Stripe holds what exists and
 * what it costs (as for `products sync`); the local `products` table mirrors it and holds
 * the order. Every Stripe call happens before, never inside, a database transaction, and
 * a failed call leaves the shop unchanged: pressing the button again converges (the
 * creation is idempotent on the draft's id; archive/restore set a state).
 */
import { ErrorCodes, hasCode } from '../errors.js';
import { isStarsPrice } from '../payments/rails.js';
import type { CatalogItem, LocalProduct } from '../catalog.js';
import { stripeIdempotencyKey } from '../payments/install.js';
import { checkDraft, conflictOf, type ProductDraft } from './draft.js';

/** A product row with its sales (paid purchases not refunded in full, nor lost in a dispute). */
export interface CatalogEntry extends LocalProduct {
  sales: number;
}

/** The `products` table as the panel changes it; every write bumps the catalog revision. */
export interface ProductRows {
  list(): Promise<LocalProduct[]>;
  /** Sales per product id. */
  salesCounts(): Promise<Map<number, number>>;
  /**
   * The row of a price just created on Stripe, active, after the others; the existing row
   * when the price already has one (a sync pulled it, or a retry).
   */
  insertCreated(
    item: CatalogItem,
    ids: { productId: string; priceId: string },
  ): Promise<LocalProduct>;
  setActive(ids: readonly number[], active: boolean): Promise<void>;
  /** Renumbers the display order: `ids` first, in this order. */
  setOrder(ids: readonly number[]): Promise<void>;
  /** Sets (null: removes) the Telegram Stars price of these rows. */
  setStars(ids: readonly number[], stars: number | null): Promise<void>;
  /** Sells this row as a Star subscription (renewed every 30 days) or once. */
  setStarsSubscription(id: number, on: boolean): Promise<void>;
}

/** The Stripe side (src/adapters/stripe/products.ts), shared with `products sync`. */
export interface StripeProducts {
  /** Creates the product with its price and premiumbot metadata; the same key, the same product. */
  create(
    item: CatalogItem,
    options: { idempotencyKey: string; installId: string; active: boolean },
  ): Promise<{ productId: string; priceId: string }>;
  setProductActive(productId: string, active: boolean): Promise<void>;
  setPriceActive(priceId: string, active: boolean): Promise<void>;
  /** The product's `premiumbot_stars` metadata (null removes it). */
  setStars(productId: string, stars: number | null): Promise<void>;
  /** The product's `premiumbot_stars_subscription` metadata ("true", or removed). */
  setStarsSubscription(productId: string, on: boolean): Promise<void>;
}

export type ProductChange =
  { ok: true; product: LocalProduct; before: LocalProduct | null } | { ok: false; reason: string };

export interface ProductAdmin {
  /** Currency of new products (CURRENCY). */
  currency: string;
  /** False when Stripe is not configured: the catalog can be read, not changed. */
  canChange: boolean;
  /** Every product, active first in display order, with its sales. */
  entries(): Promise<CatalogEntry[]>;
  create(draft: ProductDraft): Promise<ProductChange>;
  archive(id: number): Promise<ProductChange>;
  restore(id: number): Promise<ProductChange>;
  /** Moves an active product one place up (-1) or down (+1) in the shop. */
  move(id: number, by: -1 | 1): Promise<ProductChange>;
  /**
   * Sets (null: removes) the Telegram Stars price: on the Stripe product first when Stripe is
   * configured (so a later pull keeps it), then in the shop. Works without Stripe too.
   */
  setStars(id: number, stars: number | null): Promise<ProductChange>;
  /**
   * Sells a pass with a Stars price as a Star subscription (Telegram renews it every 30
   * days) or once: on the Stripe product first when Stripe is configured (so a later pull
   * keeps it), then in the shop.
   */
  setStarsSubscription(id: number, on: boolean): Promise<ProductChange>;
}

export interface ProductAdminDeps {
  rows: ProductRows;
  /** Absent: Stripe is not configured. */
  stripe?: StripeProducts;
  installId: string;
  currency: string;
}

const RETRY =
  'Nothing changed in the shop; press the button again to retry (it never makes a second product).';

function stripeRefusal(err: unknown): ProductChange {
  if (!hasCode(err, ErrorCodes.stripe)) throw err;
  return { ok: false, reason: `${err.message.split('\n')[0]} — ${RETRY}` };
}

/** The panel's catalog use cases over the products table and Stripe. */
export function createProductAdmin(deps: ProductAdminDeps): ProductAdmin {
  const { rows } = deps;
  const noStripe: ProductChange = {
    ok: false,
    reason: 'Stripe is not configured (STRIPE_API_KEY): products cannot be changed.',
  };

  async function find(id: number): Promise<{ all: LocalProduct[]; row?: LocalProduct }> {
    const all = await rows.list();
    return { all, row: all.find((p) => p.id === id) };
  }

  return {
    currency: deps.currency,
    canChange: deps.stripe !== undefined,
    async entries() {
      const [all, sales] = await Promise.all([rows.list(), rows.salesCounts()]);
      return all.map((p) => ({ ...p, sales: sales.get(p.id) ?? 0 }));
    },

    async create(draft) {
      if (!deps.stripe) return noStripe;
      const checked = checkDraft(draft, await rows.list());
      if (!checked.ok) return { ok: false, reason: checked.problems.join('; ') };
      const item = checked.value;
      let ids: { productId: string; priceId: string };
      try {
        // Created archived, then activated: a draft abandoned after a lost answer leaves
        // only an archived product on Stripe, which neither the shop nor a sync offers.
        ids = await deps.stripe.create(item, {
          idempotencyKey: stripeIdempotencyKey(deps.installId, 'product', draft.id),
          installId: deps.installId,
          active: false,
        });
        await deps.stripe.setProductActive(ids.productId, true);
      } catch (err) {
        return stripeRefusal(err);
      }
      return { ok: true, product: await rows.insertCreated(item, ids), before: null };
    },

    async archive(id) {
      if (!deps.stripe) return noStripe;
      const { all, row } = await find(id);
      if (!row) return { ok: false, reason: 'This product no longer exists.' };
      if (!row.active) return { ok: false, reason: 'Already archived.' };
      try {
        if (row.stripeProductId) await deps.stripe.setProductActive(row.stripeProductId, false);
      } catch (err) {
        return stripeRefusal(err);
      }
      // Every price of the archived Stripe product leaves the shop.
      const ids = all
        .filter(
          (p) => p.id === id || (row.stripeProductId && p.stripeProductId === row.stripeProductId),
        )
        .map((p) => p.id);
      await rows.setActive(ids, false);
      return { ok: true, product: { ...row, active: false }, before: row };
    },

    async restore(id) {
      if (!deps.stripe) return noStripe;
      const { all, row } = await find(id);
      if (!row) return { ok: false, reason: 'This product no longer exists.' };
      if (row.active) return { ok: false, reason: 'Already in the shop.' };
      const conflict = conflictOf(row, all, row.id);
      if (conflict) return { ok: false, reason: conflict };
      try {
        if (row.stripeProductId) await deps.stripe.setProductActive(row.stripeProductId, true);
        if (row.stripePriceId) await deps.stripe.setPriceActive(row.stripePriceId, true);
      } catch (err) {
        return stripeRefusal(err);
      }
      await rows.setActive([id], true);
      return { ok: true, product: { ...row, active: true }, before: row };
    },

    async setStars(id, stars) {
      const { all, row } = await find(id);
      if (!row) return { ok: false, reason: 'This product no longer exists.' };
      if ((row.stars ?? null) === stars) return { ok: false, reason: 'That is already its price.' };
      try {
        if (deps.stripe && row.stripeProductId)
          await deps.stripe.setStars(row.stripeProductId, stars);
      } catch (err) {
        return stripeRefusal(err);
      }
      // Every price row of the Stripe product shares its metadata, hence the Stars price.
      const ids = all
        .filter(
          (p) => p.id === id || (row.stripeProductId && p.stripeProductId === row.stripeProductId),
        )
        .map((p) => p.id);
      await rows.setStars(ids, stars);
      return { ok: true, product: { ...row, stars }, before: row };
    },

    setStarsSubscription: (id, on) => setStarsSubscription(rows, deps.stripe, id, on),

    async move(id, by) {
      const active = (await rows.list()).filter((p) => p.active);
      const from = active.findIndex((p) => p.id === id);
      if (from < 0) return { ok: false, reason: 'Only products in the shop have a place.' };
      const to = from + by;
      if (to < 0 || to >= active.length) {
        return { ok: false, reason: by < 0 ? 'Already first.' : 'Already last.' };
      }
      const order = active.map((p) => p.id);
      [order[from], order[to]] = [order[to] as number, order[from] as number];
      await rows.setOrder(order);
      const row = active[from] as LocalProduct;
      return { ok: true, product: { ...row, sort: (to + 1) * 10 }, before: row };
    },
  };
}

/** A pass with a Stars price sold as a Star subscription, or once (Stripe first, as setStars). */
async function setStarsSubscription(
  rows: ProductRows,
  stripe: StripeProducts | undefined,
  id: number,
  on: boolean,
): Promise<ProductChange> {
  const all = await rows.list();
  const row = all.find((p) => p.id === id);
  if (!row) return { ok: false, reason: 'This product no longer exists.' };
  if (on && (row.type !== 'time' || !isStarsPrice(row.stars))) {
    return { ok: false, reason: 'Only a pass with a Stars price can be a Star subscription.' };
  }
  if ((row.starsSubscription === true) === on) return { ok: false, reason: 'Already so.' };
  try {
    if (stripe && row.stripeProductId) await stripe.setStarsSubscription(row.stripeProductId, on);
  } catch (err) {
    return stripeRefusal(err);
  }
  // Every price row of the Stripe product shares its metadata, hence the subscription.
  for (const p of all) {
    if (p.id === id || (row.stripeProductId && p.stripeProductId === row.stripeProductId))
      await rows.setStarsSubscription(p.id, on);
  }
  return { ok: true, product: { ...row, starsSubscription: on }, before: row };
}
