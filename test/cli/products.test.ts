import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductStore } from '../../src/adapters/db/product-store.js';
import { createMigratedTestDb, createTestDb, type TestDb } from '../helpers/db.js';
import { STRIPE_KEY, runInProcess, startSims, tempDir, type Sims } from './operator-harness.js';

const example = path.resolve('templates/products.example.yaml');

describe('premiumbot products sync / list', () => {
  let sims: Sims;
  let t: TestDb;
  let cwd: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    sims = await startSims();
    t = await createMigratedTestDb();
    cwd = tempDir();
    env = { ...sims.env, STRIPE_API_KEY: STRIPE_KEY, DATABASE_URL: t.url };
  });
  afterAll(async () => {
    await t.destroy();
    await sims.close();
  });

  const posts = () => sims.stripe.control.requests().filter((r) => r.method === 'POST').length;

  it('the example catalog creates products and prices with premiumbot metadata; the local table matches', async () => {
    const result = await runInProcess(['products', 'sync', '--catalog', example], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.output).toContain('+ create product "10 credits" (10 credits) at $5.00');
    expect(result.output).toContain('+ create product "1 hour chat" (1 hour) at $15.00');

    const products = sims.stripe.control.list<{
      id: string;
      object: string;
      name: string;
      metadata: Record<string, string>;
    }>('product');
    expect(products.map((p) => [p.name, p.metadata]).sort()).toEqual([
      ['1 hour chat', { premiumbot_type: 'time', premiumbot_amount: '3600' }],
      ['10 credits', { premiumbot_type: 'credits', premiumbot_amount: '10' }],
    ]);
    const prices = sims.stripe.control.list<{
      id: string;
      object: string;
      product: string;
      unit_amount: number;
      currency: string;
      active: boolean;
    }>('price');
    expect(prices.map((p) => [p.unit_amount, p.currency, p.active]).sort()).toEqual([
      [1500, 'usd', true],
      [500, 'usd', true],
    ]);

    const local = await createProductStore(t.db).list();
    expect(
      local.map((p) => ({
        label: p.label,
        type: p.type,
        amount: p.amount,
        priceCents: p.priceCents,
        active: p.active,
      })),
    ).toEqual([
      { label: '10 credits', type: 'credits', amount: 10, priceCents: 500, active: true },
      { label: '1 hour chat', type: 'time', amount: 3600, priceCents: 1500, active: true },
    ]);
    expect(new Set(local.map((p) => p.stripePriceId))).toEqual(new Set(prices.map((p) => p.id)));
  });

  it('a re-run creates nothing and changes nothing', async () => {
    const before = posts();
    const result = await runInProcess(['products', 'sync', '--catalog', example], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.output).toContain('nothing to change on Stripe');
    expect(result.output).toContain('already matches Stripe');
    expect(posts()).toBe(before);
    expect(sims.stripe.control.list('product')).toHaveLength(2);
  });

  it('--dry-run shows the diff and changes nothing, on Stripe or locally', async () => {
    const catalog = path.join(cwd, 'more.yaml');
    fs.writeFileSync(
      catalog,
      'products:\n  - label: 10 credits\n    type: credits\n    amount: 10\n    price: "4.00"\n  - label: 50 credits\n    type: credits\n    amount: 50\n    price: "20"\n',
    );
    const before = posts();
    const localBefore = await createProductStore(t.db).list();
    const result = await runInProcess(
      ['products', 'sync', '--catalog', catalog, '--dry-run', '--archive'],
      { cwd, env },
    );
    expect(result.code).toBe(0);
    expect(result.output).toContain('dry run: nothing is changed');
    expect(result.output).toContain('+ add price $4.00 to "10 credits"');
    expect(result.output).toContain('+ create product "50 credits"');
    expect(result.output).toContain('- archive price $5.00 of "10 credits"');
    expect(result.output).toContain('- archive product "1 hour chat"');
    expect(posts()).toBe(before);
    expect(await createProductStore(t.db).list()).toEqual(localBefore);

    // Applied for real: the old price is archived (never deleted), the local row deactivated.
    const applied = await runInProcess(['products', 'sync', '--catalog', catalog, '--archive'], {
      cwd,
      env,
    });
    expect(applied.code).toBe(0);
    const local = await createProductStore(t.db).list();
    expect(local.filter((p) => p.active).map((p) => [p.label, p.priceCents])).toEqual([
      ['10 credits', 400],
      ['50 credits', 2000],
    ]);
    expect(
      local
        .filter((p) => !p.active)
        .map((p) => p.label)
        .sort(),
    ).toEqual(['1 hour chat', '10 credits']);
    expect(sims.stripe.control.list('product')).toHaveLength(3);
  });

  it('products list shows the catalog as the bot sees it, with quick-buy commands', async () => {
    const result = await runInProcess(['products', 'list'], { cwd, env: { DATABASE_URL: t.url } });
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/active\s+10 credits\s+10 credits\s+\$4\.00\s+\/buy10/);
    expect(result.output).toMatch(/active\s+50 credits\s+50 credits\s+\$20\.00\s+\/buy50/);
    expect(result.output).toContain('2 active, 2 inactive.');
  });

  it('an invalid catalog is reported all at once with exit 2; nothing is sent', async () => {
    const bad = path.join(cwd, 'bad.yaml');
    fs.writeFileSync(
      bad,
      'products:\n  - label: ""\n    type: minutes\n    amount: -1\n    price: "5.001"\n',
    );
    const before = posts();
    const result = await runInProcess(['products', 'sync', '--catalog', bad], { cwd, env });
    expect(result.code).toBe(2);
    expect(result.output).toContain('products.0.label: label must not be empty');
    expect(result.output).toContain('products.0.type: type must be credits or time');
    expect(result.output).toContain('products.0.amount: amount must be positive');
    expect(result.output).toContain(
      'products.0.price: price "5.001" has more decimals than USD allows (USD has 2 decimals)',
    );
    expect(posts()).toBe(before);
  });

  it('prices are read in their currency’s minor units; unsupported currencies are named', async () => {
    const bad = path.join(cwd, 'currencies.yaml');
    fs.writeFileSync(
      bad,
      'products:\n' +
        '  - { label: Yen, type: credits, amount: 3, price: "5.50" }\n' +
        '  - { label: Dinar, type: credits, amount: 4, price: "5.005", currency: kwd }\n' +
        '  - { label: Other, type: credits, amount: 5, price: "5", currency: xyz }\n',
    );
    const before = posts();
    const result = await runInProcess(['products', 'sync', '--catalog', bad], {
      cwd,
      env: { ...env, CURRENCY: 'jpy' },
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain(
      'products.0.price: price "5.50" has more decimals than JPY allows (JPY has no decimals)',
    );
    expect(result.output).toContain(
      'products.1.price: price "5.005" is not a multiple of 0.010 (Stripe charges KWD',
    );
    expect(result.output).toContain('products.2.currency: XYZ is not a currency Stripe supports');
    expect(posts()).toBe(before);
  });

  it('refuses a database whose migrations are pending', async () => {
    const empty = await createTestDb();
    try {
      const result = await runInProcess(['products', 'list'], {
        cwd,
        env: { DATABASE_URL: empty.url },
      });
      expect(result.code).toBe(2);
      expect(result.output).toContain('Run `premiumbot migrate` first.');
    } finally {
      await empty.destroy();
    }
  });
});
