/**
 * The premiumbot catalog on Stripe: products carrying `premiumbot_type`/`premiumbot_amount`
 * metadata and their one-time prices. Reads it, and applies the changes core/catalog planned.
 */
import type Stripe from 'stripe';
import { readProductMetadata, type RemoteProduct } from '../../core/catalog.js';
import type { StripeChange } from '../../core/products/stripe-plan.js';
import { installOf, isForeignInstall } from '../../core/payments/install.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';
import {
  createStripeProduct,
  setStripePriceActive,
  setStripeProductActive,
  setStripeProductStars,
  setStripeProductStarsSubscription,
} from './products.js';

/**
 * Every premiumbot product (active or archived) with its active one-time prices. With
 * `installId`, products another install created (`premiumbot_install` metadata) are left out.
 */
export async function fetchRemoteCatalog(
  stripe: StripeClient,
  options: { installId?: string } = {},
): Promise<RemoteProduct[]> {
  try {
    const products: RemoteProduct[] = [];
    for await (const product of stripe.products.list({ limit: 100 })) {
      const meta = readProductMetadata(product.metadata);
      if (!meta) continue;
      const owner = installOf(product.metadata);
      if (options.installId && isForeignInstall(owner, options.installId)) continue;
      const prices: RemoteProduct['prices'] = [];
      for await (const price of stripe.prices.list({
        product: product.id,
        active: true,
        limit: 100,
      })) {
        if (price.type !== 'one_time' || price.unit_amount === null) continue;
        prices.push({ priceId: price.id, priceCents: price.unit_amount, currency: price.currency });
      }
      products.push({
        productId: product.id,
        label: product.name,
        type: meta.type,
        amount: meta.amount,
        active: product.active,
        stars: meta.stars ?? null,
        starsSubscription: meta.starsSubscription === true,
        prices,
      });
    }
    return products;
  } catch (cause) {
    throw stripeFailure('reading products and prices', cause);
  }
}

/** Checks the key with a harmless read (the products the sync needs to read anyway). */
export async function verifyStripeKey(stripe: StripeClient): Promise<{ livemode: boolean }> {
  try {
    const page = await stripe.products.list({ limit: 1 });
    const first = page.data[0] as (Stripe.Product & { livemode?: boolean }) | undefined;
    return { livemode: first?.livemode ?? false };
  } catch (cause) {
    throw stripeFailure('checking the API key', cause);
  }
}

/** Applies one planned change; returns the id of what was created, if anything. */
export async function applyStripeChange(
  stripe: StripeClient,
  change: StripeChange,
): Promise<string | undefined> {
  try {
    switch (change.kind) {
      case 'create-product':
        return (await createStripeProduct(stripe, change.item)).productId;
      case 'create-price': {
        const price = await stripe.prices.create({
          product: change.productId,
          currency: change.item.currency,
          unit_amount: change.item.priceCents,
        });
        return price.id;
      }
      case 'rename-product':
        await stripe.products.update(change.productId, { name: change.item.label });
        return undefined;
      case 'reactivate-product':
        await setStripeProductActive(stripe, change.productId, true);
        return undefined;
      case 'set-stars':
        await setStripeProductStars(stripe, change.productId, change.item.stars ?? null);
        return undefined;
      case 'set-stars-subscription':
        await setStripeProductStarsSubscription(
          stripe,
          change.productId,
          change.item.starsSubscription === true,
        );
        return undefined;
      case 'archive-price':
        await setStripePriceActive(stripe, change.priceId, false);
        return undefined;
      case 'archive-product':
        await setStripeProductActive(stripe, change.productId, false);
        return undefined;
    }
  } catch (cause) {
    throw stripeFailure(`${change.kind.replaceAll('-', ' ')}`, cause);
  }
}
