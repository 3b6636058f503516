/** `/products`' catalog use cases: the products table, and Stripe when it is configured. */
import { ensureInstallId, readInstallId } from '../../adapters/db/bot-state-store.js';
import { createProductStore } from '../../adapters/db/product-store.js';
import { stripeProducts } from '../../adapters/stripe/products.js';
import { createProductAdmin, type ProductAdmin } from '../../core/products/admin.js';
import type { TelegramContext } from './telegram.js';

export async function buildProductAdmin(context: TelegramContext): Promise<ProductAdmin> {
  const { db, options } = context;
  const stripe = options.payments?.stripe;
  // The install id goes into new products' metadata and idempotency keys (DESIGN §10).
  const installId = stripe
    ? await ensureInstallId(db)
    : ((await readInstallId(db)) ?? 'premiumbot');
  return createProductAdmin({
    rows: createProductStore(db),
    stripe: stripe ? stripeProducts(stripe) : undefined,
    installId,
    currency: options.fan?.currency ?? 'usd',
  });
}
