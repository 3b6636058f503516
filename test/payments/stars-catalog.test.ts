/**
 * `stars_subscription: true` in the catalog file: `products sync` carries it to the Stripe
 * product (`premiumbot_stars_subscription`) and back into the shop, or straight into the
 * local table without Stripe; the shop then sells the pass as a Star subscription (an
 * invoice link with subscription_period). Only a time pass with a Stars price may have it:
 * anything else is refused with a clear problem, nothing changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProductStore } from '../../src/adapters/db/product-store.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  STRIPE_KEY,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from '../cli/operator-harness.js';
import { openShop, startStarsEnv, type StarsEnv } from './stars-env.js';

const DAYS_30 = 2_592_000;

function writeCatalog(cwd: string, name: string, lines: string[]): string {
  const file = path.join(cwd, name);
  fs.writeFileSync(file, ['products:', ...lines].join('\n'));
  return file;
}

const CREDITS = '  - { label: 10 credits, type: credits, amount: 10, price: "5.00", stars: 250 }';
const PASS =
  '  - { label: 30 days chat, type: time, amount: 2592000, price: "30.00", stars: 900, stars_subscription: true }';

describe('stars_subscription in the catalog, without Stripe', () => {
  let env: StarsEnv;
  let cwd: string;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
    cwd = tempDir();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a synced pass with stars_subscription is sold as a Star subscription', async () => {
    const catalog = writeCatalog(cwd, 'products.yaml', [CREDITS, PASS]);
    const sync = await runInProcess(['products', 'sync', '--catalog', catalog], {
      cwd,
      env: { DATABASE_URL: env.testDb.url },
    });
    expect(sync.code).toBe(0);
    const rows = await createProductStore(env.db).list({ activeOnly: true });
    expect(rows.map((r) => [r.label, r.stars, r.starsSubscription])).toEqual([
      ['10 credits', 250, false],
      ['30 days chat', 900, true],
    ]);
    const again = await runInProcess(['products', 'sync', '--catalog', catalog], {
      cwd,
      env: { DATABASE_URL: env.testDb.url },
    });
    expect(again.output).toContain('Synced: 0 local change(s).');

    const pass = rows.find((r) => r.type === 'time')!;
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Ivy', language_code: 'en' }).id;
    const shop = await openShop(env, fan);
    control.pressButton(fan, fan, shop.messageId, `stars:${pass.id}`);
    await control.waitFor(
      () => control.messages(fan).find((m) => m.buttons.flat().some((b) => b.url)),
      10_000,
      'subscription link',
    );
    expect(control.calls({ method: 'createInvoiceLink' }).at(-1)!.params).toMatchObject({
      currency: 'XTR',
      prices: [{ amount: 900 }],
      subscription_period: DAYS_30,
    });
    expect(control.calls({ method: 'sendInvoice' })).toHaveLength(0);
  });

  it('stars_subscription on a credits pack, or a pass without stars, is refused; nothing changes', async () => {
    const before = await createProductStore(env.db).list();
    const bad = writeCatalog(cwd, 'bad.yaml', [
      '  - { label: 10 credits, type: credits, amount: 10, price: "5.00", stars: 250, stars_subscription: true }',
      '  - { label: 1 day chat, type: time, amount: 86400, price: "9.00", stars_subscription: true }',
    ]);
    const result = await runInProcess(['products', 'sync', '--catalog', bad], {
      cwd,
      env: { DATABASE_URL: env.testDb.url },
    });
    expect(result.code).toBe(2);
    expect(result.output).toContain(
      'products.0.stars_subscription: only a time pass with a Stars price (`stars:`) can be sold as a Star subscription',
    );
    expect(result.output).toContain('products.1.stars_subscription: only a time pass');
    expect(await createProductStore(env.db).list()).toEqual(before);
  });
});

describe('stars_subscription in the catalog, with Stripe', () => {
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
    await t?.destroy();
    await sims?.close();
  });

  const products = () =>
    sims.stripe.control.list<{
      id: string;
      object: string;
      name: string;
      metadata: Record<string, string>;
    }>('product');

  it('goes to the Stripe product as premiumbot_stars_subscription and back into the shop; removing it converges', async () => {
    const catalog = writeCatalog(cwd, 'products.yaml', [CREDITS, PASS]);
    const sync = await runInProcess(['products', 'sync', '--catalog', catalog], { cwd, env });
    expect(sync.code).toBe(0);
    const pass = products().find((p) => p.name === '30 days chat')!;
    expect(pass.metadata).toMatchObject({
      premiumbot_stars: '900',
      premiumbot_stars_subscription: 'true',
    });
    const credits = products().find((p) => p.name === '10 credits')!;
    expect(credits.metadata.premiumbot_stars_subscription).toBeUndefined();
    const rows = () => createProductStore(t.db).list({ activeOnly: true });
    expect((await rows()).map((r) => [r.label, r.starsSubscription])).toEqual([
      ['10 credits', false],
      ['30 days chat', true],
    ]);

    const again = await runInProcess(['products', 'sync', '--catalog', catalog], { cwd, env });
    expect(again.output).not.toContain('Star subscription');

    const once = writeCatalog(cwd, 'once.yaml', [
      CREDITS,
      PASS.replace(', stars_subscription: true', ''),
    ]);
    const off = await runInProcess(['products', 'sync', '--catalog', once], { cwd, env });
    expect(off.code).toBe(0);
    expect(off.output).toContain('~ "30 days chat" is no longer a Star subscription');
    expect(
      products().find((p) => p.id === pass.id)!.metadata.premiumbot_stars_subscription,
    ).toBeUndefined();
    expect((await rows()).find((r) => r.type === 'time')!.starsSubscription).toBe(false);
  });
});
