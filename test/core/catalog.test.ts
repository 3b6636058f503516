import fs from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  CatalogError,
  activePrices,
  describeAmount,
  parseCatalog,
  parsePrice,
  planLocalSync,
  readProductMetadata,
  type LocalProduct,
  type RemoteProduct,
} from '../../src/core/catalog.js';
import { planStripeSync } from '../../src/core/products/stripe-plan.js';

const example = parse(fs.readFileSync('templates/products.example.yaml', 'utf8')) as unknown;

describe('catalog file', () => {
  it('parses the example catalog of DESIGN §4', () => {
    expect(parseCatalog(example, 'usd')).toEqual([
      { label: '10 credits', type: 'credits', amount: 10, priceCents: 500, currency: 'usd' },
      { label: '1 hour chat', type: 'time', amount: 3600, priceCents: 1500, currency: 'usd' },
    ]);
  });

  it('parses prices exactly, without floating point', () => {
    expect(parsePrice('5.00', 'usd')).toBe(500);
    expect(parsePrice('0.1', 'usd')).toBe(10);
    expect(parsePrice('19.99', 'usd')).toBe(1999);
    expect(parsePrice('15', 'usd')).toBe(1500);
    expect(parsePrice('1.005', 'usd')).toBeUndefined();
    expect(parsePrice('-1', 'usd')).toBeUndefined();
  });

  it('parses prices in the minor units of their currency', () => {
    expect(parsePrice('500', 'jpy')).toBe(500);
    expect(parsePrice('5.000', 'kwd')).toBe(5000);
    expect(parsePrice('5.00', 'usd')).toBe(500);
    expect(parsePrice('500.5', 'jpy')).toBeUndefined();
    const catalog = {
      products: [
        { label: 'ten', type: 'credits', amount: 10, price: '500' },
        { label: 'hour', type: 'time', amount: 3600, price: '1500' },
      ],
    };
    expect(parseCatalog(catalog, 'jpy').map((i) => [i.priceCents, i.currency])).toEqual([
      [500, 'jpy'],
      [1500, 'jpy'],
    ]);
    const kwd = { products: [{ label: 'ten', type: 'credits', amount: 10, price: '5.000' }] };
    expect(parseCatalog(kwd, 'kwd')[0]).toMatchObject({ priceCents: 5000, currency: 'kwd' });
  });

  it('refuses more decimals than the currency has, and unsupported currencies, by name', () => {
    const tooPrecise = { products: [{ label: 'ten', type: 'credits', amount: 10, price: '5.50' }] };
    expect(() => parseCatalog(tooPrecise, 'jpy')).toThrow(
      /products\.0\.price: price "5\.50" has more decimals than JPY allows \(JPY has no decimals\)/,
    );
    const unknown = {
      products: [{ label: 'ten', type: 'credits', amount: 10, price: '5', currency: 'xyz' }],
    };
    expect(() => parseCatalog(unknown, 'xyz')).toThrow(
      /products\.0\.currency: XYZ is not a currency Stripe supports/,
    );
  });

  it('reports every problem at once, with its path', () => {
    const bad = {
      products: [
        { label: 'x', type: 'credits', amount: 10, price: '5' },
        { label: 'y', type: 'credits', amount: 10, price: '6' },
      ],
    };
    expect(() => parseCatalog(bad, 'usd')).toThrow(
      /products\.1: 10 credits is already products\.0/,
    );
    try {
      parseCatalog(
        { products: [{ label: '', type: 'x', amount: 1.5, price: 'free', extra: 1 }] },
        'usd',
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogError);
      expect((err as CatalogError).problems.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('describes amounts for humans', () => {
    expect(describeAmount('credits', 1)).toBe('1 credit');
    expect(describeAmount('time', 3600)).toBe('1 hour');
    expect(describeAmount('time', 5400)).toBe('90 minutes');
    expect(describeAmount('time', 172800)).toBe('2 days');
  });

  it('reads only well-formed premiumbot metadata', () => {
    expect(readProductMetadata({ premiumbot_type: 'credits', premiumbot_amount: '10' })).toEqual({
      type: 'credits',
      amount: 10,
    });
    expect(
      readProductMetadata({ premiumbot_type: 'gold', premiumbot_amount: '10' }),
    ).toBeUndefined();
    expect(
      readProductMetadata({ premiumbot_type: 'time', premiumbot_amount: '1e3' }),
    ).toBeUndefined();
    expect(readProductMetadata({})).toBeUndefined();
  });
});

const items = parseCatalog(example, 'usd');
const remote = (over: Partial<RemoteProduct> = {}): RemoteProduct => ({
  productId: 'prod_1',
  label: '10 credits',
  type: 'credits',
  amount: 10,
  active: true,
  prices: [{ priceId: 'price_1', priceCents: 500, currency: 'usd' }],
  ...over,
});

describe('planStripeSync', () => {
  it('creates what is missing and nothing else', () => {
    expect(planStripeSync(items, [], { archive: false }).changes.map((c) => c.kind)).toEqual([
      'create-product',
      'create-product',
    ]);
    const plan = planStripeSync(items, [remote()], { archive: false });
    expect(plan.changes).toEqual([{ kind: 'create-product', item: items[1] }]);
    expect(plan.kept).toEqual([
      { kind: 'unchanged', item: items[0], productId: 'prod_1', priceId: 'price_1' },
    ]);
  });

  it('adds a price when the amount changed; archives the old one only on request', () => {
    const old = remote({ prices: [{ priceId: 'price_old', priceCents: 400, currency: 'usd' }] });
    const keep = planStripeSync([items[0]!], [old], { archive: false });
    expect(keep.changes).toEqual([{ kind: 'create-price', item: items[0], productId: 'prod_1' }]);
    expect(keep.kept).toContainEqual(
      expect.objectContaining({ kind: 'extra-price', priceId: 'price_old' }),
    );
    const archive = planStripeSync([items[0]!], [old], { archive: true });
    expect(archive.changes.map((c) => c.kind)).toEqual(['create-price', 'archive-price']);
  });

  it('renames and reactivates instead of duplicating', () => {
    const plan = planStripeSync([items[0]!], [remote({ label: 'Ten credits', active: false })], {
      archive: false,
    });
    expect(plan.changes.map((c) => c.kind)).toEqual(['reactivate-product', 'rename-product']);
  });

  it('leaves products outside the catalog alone unless archiving', () => {
    const extra = remote({ productId: 'prod_9', label: 'Old', amount: 99 });
    expect(planStripeSync([items[0]!], [remote(), extra], { archive: false }).changes).toEqual([]);
    expect(
      planStripeSync([items[0]!], [remote(), extra], { archive: true }).changes.map((c) => c.kind),
    ).toEqual(['archive-price', 'archive-product']);
  });
});

describe('planLocalSync', () => {
  const row = (over: Partial<LocalProduct> = {}): LocalProduct => ({
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
    ...over,
  });

  it('inserts new prices, updates changed rows, deactivates vanished ones', () => {
    const prices = activePrices([
      remote({ label: 'Ten' }),
      remote({
        productId: 'prod_2',
        label: '1 hour chat',
        type: 'time',
        amount: 3600,
        prices: [{ priceId: 'price_2', priceCents: 1500, currency: 'usd' }],
      }),
    ]);
    const changes = planLocalSync(
      prices,
      [row(), row({ id: 2, stripePriceId: 'price_gone', label: 'Gone' })],
      items,
    );
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'update', id: 1, fields: ['label'] }),
      expect.objectContaining({ kind: 'insert', sort: 20 }),
      { kind: 'deactivate', id: 2, label: 'Gone', stripePriceId: 'price_gone' },
    ]);
  });

  it('is empty when everything matches', () => {
    expect(planLocalSync(activePrices([remote()]), [row()], items)).toEqual([]);
  });
});
