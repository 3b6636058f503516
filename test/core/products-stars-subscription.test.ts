/**
 * The /products card's Star subscription switch with Stripe configured: written on the Stripe
 * product first (`premiumbot_stars_subscription`, so a later `products sync` pull keeps it),
 * then on every row of that product; a Stripe failure leaves the shop unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { LocalProduct } from '../../src/core/catalog.js';
import { PremiumbotError, ErrorCodes } from '../../src/core/errors.js';
import {
  createProductAdmin,
  type ProductRows,
  type StripeProducts,
} from '../../src/core/products/admin.js';

const PASS: LocalProduct = {
  id: 1,
  label: '30 days chat',
  type: 'time',
  amount: 2_592_000,
  priceCents: 3000,
  currency: 'usd',
  stripeProductId: 'prod_1',
  stripePriceId: 'price_1',
  active: true,
  sort: 10,
  stars: 900,
  starsSubscription: false,
};

function setup(fail = false) {
  const products = [PASS, { ...PASS, id: 2, stripePriceId: 'price_2', active: false }];
  const stripeCalls: [string, boolean][] = [];
  const rows = {
    list: async () => products.map((p) => ({ ...p })),
    setStarsSubscription: async (id: number, on: boolean) => {
      products.find((p) => p.id === id)!.starsSubscription = on;
    },
  } as unknown as ProductRows;
  const stripe = {
    setStarsSubscription: async (productId: string, on: boolean) => {
      if (fail) throw new PremiumbotError(ErrorCodes.stripe, 'Stripe is down');
      stripeCalls.push([productId, on]);
    },
  } as unknown as StripeProducts;
  const admin = createProductAdmin({ rows, stripe, installId: 'i', currency: 'usd' });
  return { admin, products, stripeCalls };
}

describe('/products Star subscription with Stripe', () => {
  it('goes on the Stripe product first, then on each of its rows', async () => {
    const { admin, products, stripeCalls } = setup();
    expect((await admin.setStarsSubscription(1, true)).ok).toBe(true);
    expect(stripeCalls).toEqual([['prod_1', true]]);
    expect(products.map((p) => p.starsSubscription)).toEqual([true, true]);
    expect((await admin.setStarsSubscription(1, false)).ok).toBe(true);
    expect(stripeCalls).toEqual([
      ['prod_1', true],
      ['prod_1', false],
    ]);
  });

  it('a Stripe failure changes nothing in the shop', async () => {
    const { admin, products } = setup(true);
    const result = await admin.setStarsSubscription(1, true);
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('Stripe is down') });
    expect(products.map((p) => p.starsSubscription)).toEqual([false, false]);
  });
});
