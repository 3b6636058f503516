/** The pure rules of the Stars rail: prices, metadata, sync plans, rails, payloads, XTR. */
import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  parseCatalog,
  planLocalSync,
  readProductMetadata,
  type LocalProduct,
} from '../../src/core/catalog.js';
import { planStripeSync } from '../../src/core/products/stripe-plan.js';
import { currencyExponent, formatMoney, isSupportedCurrency } from '../../src/core/money.js';
import { effectiveRails, productRails, type RailSetting } from '../../src/core/payments/rails.js';
import { decodeStarsPayload, encodeStarsPayload } from '../../src/core/payments/stars.js';
import { renderCard } from '../../src/adapters/telegram/panel/screens/products-views.js';

const item = (extra: Record<string, unknown> = {}) => ({
  label: '10 credits',
  type: 'credits',
  amount: 10,
  price: '5.00',
  ...extra,
});

describe('Stars prices in the catalog', () => {
  it('accepts whole Stars from 1 to 10,000 and refuses the rest, all problems at once', () => {
    expect(parseCatalog({ products: [item({ stars: 250 })] }, 'usd')[0]).toMatchObject({
      stars: 250,
      priceCents: 500,
    });
    expect(parseCatalog({ products: [item()] }, 'usd')[0]!.stars).toBeUndefined();
    let error: unknown;
    try {
      parseCatalog(
        {
          products: [
            item({ stars: 0 }),
            item({ amount: 20, stars: 10_001 }),
            item({ amount: 30, stars: 2.5 }),
            item({ amount: 40, stars: '250' }),
          ],
        },
        'usd',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).problems).toEqual([
      'products.0.stars: stars must be at least 1',
      "products.1.stars: stars must be at most 10000 (Telegram's limit per invoice)",
      'products.2.stars: stars must be a whole number of Telegram Stars',
      'products.3.stars: stars must be a whole number of Telegram Stars',
    ]);
  });

  it('reads premiumbot_stars from Stripe metadata, ignoring malformed values', () => {
    const meta = { premiumbot_type: 'credits', premiumbot_amount: '10' };
    expect(readProductMetadata({ ...meta, premiumbot_stars: '250' })).toEqual({
      type: 'credits',
      amount: 10,
      stars: 250,
    });
    for (const bad of ['', '0', '10001', '2.5', 'abc']) {
      expect(readProductMetadata({ ...meta, premiumbot_stars: bad })).toEqual({
        type: 'credits',
        amount: 10,
      });
    }
  });

  it('sync pushes a changed Stars price to the Stripe product and pulls it into the table', () => {
    const [wanted] = parseCatalog({ products: [item({ stars: 300 })] }, 'usd');
    const remote = {
      productId: 'prod_1',
      label: '10 credits',
      type: 'credits' as const,
      amount: 10,
      active: true,
      stars: 250,
      prices: [{ priceId: 'price_1', priceCents: 500, currency: 'usd' }],
    };
    expect(planStripeSync([wanted!], [remote], { archive: false }).changes).toEqual([
      { kind: 'set-stars', item: wanted, productId: 'prod_1', from: 250 },
    ]);
    const local: LocalProduct = {
      id: 1,
      label: '10 credits',
      type: 'credits',
      amount: 10,
      priceCents: 500,
      currency: 'usd',
      stripeProductId: 'prod_1',
      stripePriceId: 'price_1',
      active: true,
      sort: 10,
      stars: 250,
    };
    const pulled = { ...remote, priceId: 'price_1', priceCents: 500, currency: 'usd', stars: 300 };
    expect(planLocalSync([pulled], [local])).toEqual([
      { kind: 'update', id: 1, price: pulled, sort: 10, fields: ['stars'] },
    ]);
  });
});

describe('rails', () => {
  it('auto offers Stars when a product has a Stars price, Stripe when configured', () => {
    const table: [RailSetting, boolean, boolean, { stripe: boolean; stars: boolean }][] = [
      ['auto', true, false, { stripe: true, stars: false }],
      ['auto', true, true, { stripe: true, stars: true }],
      ['auto', false, true, { stripe: false, stars: true }],
      ['stripe', true, true, { stripe: true, stars: false }],
      ['stars', true, true, { stripe: false, stars: true }],
      ['both', false, false, { stripe: false, stars: true }],
      ['both', true, false, { stripe: true, stars: true }],
    ];
    for (const [setting, stripeConfigured, anyStarsPrice, expected] of table) {
      expect(effectiveRails(setting, { stripeConfigured, anyStarsPrice })).toEqual(expected);
    }
    const both = { stripe: true, stars: true };
    expect(productRails({ stripePriceId: null, stars: 250 }, both)).toEqual({
      stripe: false,
      stars: true,
    });
    expect(productRails({ stripePriceId: 'price_1', stars: null }, both)).toEqual({
      stripe: true,
      stars: false,
    });
  });
});

describe('XTR and the invoice payload', () => {
  it('Stars are whole, written "⭐ 250", and never a Stripe currency', () => {
    expect(currencyExponent('xtr')).toBe(0);
    expect(formatMoney(250, 'xtr', 'en')).toBe('⭐ 250');
    expect(formatMoney(10_000, 'XTR', 'en')).toBe('⭐ 10,000');
    expect(isSupportedCurrency('xtr')).toBe(false);
  });

  it('round-trips our payload and rejects anything else', () => {
    const payload = {
      paymentId: 42,
      productId: 7,
      productType: 'time' as const,
      productAmount: 3600,
      stars: 750,
    };
    const text = encodeStarsPayload(payload);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(128);
    expect(decodeStarsPayload(text)).toEqual(payload);
    for (const bad of ['', 'pbs1:1:2:c:10', 'pbs1:1:2:c:10:0', 'pbs1:1:2:x:10:250', 'other']) {
      expect(decodeStarsPayload(bad)).toBeNull();
    }
  });
});

describe('/products', () => {
  it("a product's card shows its Stars price", () => {
    const entry = {
      id: 1,
      label: '10 credits',
      type: 'credits' as const,
      amount: 10,
      priceCents: 500,
      currency: 'usd',
      stripeProductId: null,
      stripePriceId: null,
      active: true,
      sort: 10,
      stars: 250,
      sales: 0,
    };
    const state = { view: 'product' as const, id: 1, from: { view: 'shop' as const, page: 0 } };
    const withStars = renderCard([entry], state, false).text.text;
    expect(withStars).toContain('Price: $5.00\nTelegram Stars: ⭐ 250\n');
    expect(renderCard([{ ...entry, stars: null }], state, false).text.text).toContain(
      'Telegram Stars: not sold for Stars',
    );
  });
});
