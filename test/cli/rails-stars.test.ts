/**
 * `payments.rails = stars` with no Stripe configuration at all: the environment validates
 * without STRIPE_*, `serve`'s runtime runs with no Stripe webhook route, the shop shows only
 * Stars, card-only commands say cards are not taken, a Stars purchase works, and `doctor`
 * passes (its Stripe checks report "not used").
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createProductStore } from '../../src/adapters/db/product-store.js';
import { createMigratedTestDb } from '../helpers/db.js';
import { ConfigError } from '../../src/core/errors.js';
import {
  invoiceFromShop,
  openShop,
  startStarsEnv,
  starsState,
  type StarsEnv,
} from '../payments/stars-env.js';
import {
  BOT_TOKEN,
  createAdminGroup,
  runInProcess,
  startSims,
  tempDir,
} from './operator-harness.js';

const BASE_ENV = {
  BOT_TOKEN: '123:abc',
  ADMIN_CHAT_ID: '-1001234567890',
  ADMIN_USER_IDS: '11',
  TELEGRAM_WEBHOOK_SECRET: 'secret',
};

describe('STRIPE_* are optional', () => {
  it('serve needs no Stripe setting; a key without its webhook secret is refused, naming it', () => {
    expect(loadConfig(BASE_ENV, ['serve', 'webhook']).stripeApiKey).toBeUndefined();
    let error: unknown;
    try {
      loadConfig({ ...BASE_ENV, STRIPE_API_KEY: 'sk_test_abc' }, ['serve', 'webhook']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(
      /STRIPE_WEBHOOK_SECRET is missing: .*Needed for `premiumbot serve` when STRIPE_API_KEY is set/,
    );
  });
});

describe('setup without Stripe', () => {
  it('the Stripe step left empty (--non-interactive with no key) is skipped: Stars only', async () => {
    const result = await runInProcess(['setup', 'stripe', '--non-interactive'], {
      cwd: tempDir(),
      env: {},
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain('Stripe skipped: fans pay with Telegram Stars only');
  });
});

describe('products sync without Stripe', () => {
  it('writes the catalog file into the local table, with its Stars prices; a second run changes nothing', async () => {
    const t = await createMigratedTestDb();
    try {
      const cwd = tempDir();
      fs.writeFileSync(
        path.join(cwd, 'products.yaml'),
        [
          'products:',
          '  - { label: 10 credits, type: credits, amount: 10, price: "5.00", stars: 250 }',
          '  - { label: 1 hour chat, type: time, amount: 3600, price: "15.00" }',
        ].join('\n'),
      );
      const env = { DATABASE_URL: t.url };
      const sync = await runInProcess(['products', 'sync', '--catalog', 'products.yaml'], {
        cwd,
        env,
      });
      expect(sync.code).toBe(0);
      expect(sync.output).toContain('+ add "10 credits" (10 credits, $5.00, ⭐ 250)');
      expect(sync.output).toContain('"1 hour chat" has no Stars price');
      const rows = await createProductStore(t.db).list();
      expect(rows.map((r) => [r.label, r.stars, r.stripePriceId, r.active])).toEqual([
        ['10 credits', 250, null, true],
        ['1 hour chat', null, null, true],
      ]);
      const again = await runInProcess(['products', 'sync', '--catalog', 'products.yaml'], {
        cwd,
        env,
      });
      expect(again.output).toContain('Synced: 0 local change(s).');
      const list = await runInProcess(['products', 'list'], { cwd, env });
      expect(list.output).toMatch(/10 credits .*\$5\.00 +⭐ 250 +\/buy10/);
      const pull = await runInProcess(['products', 'sync'], { cwd, env });
      expect(pull.code).toBe(2);
      expect(pull.output).toContain('Without STRIPE_API_KEY there is nothing to pull');
    } finally {
      await t.destroy();
    }
  });
});

describe('payments.rails = stars with no Stripe configuration', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
    await env.runtime.settings.set('payments.rails', 'stars');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the shop shows only Stars; there is no Stripe webhook route', async () => {
    const fan = env.tg.control.createUser({ first_name: 'Nova' }).id;
    const shop = await openShop(env, fan);
    expect(shop.buttons).toEqual([
      [{ text: '10 credits — ⭐ 250', callbackData: `stars:${env.productId}` }],
    ]);
    const stripe = await env.runtime.app.inject({
      method: 'POST',
      url: '/stripe-webhook',
      payload: '{}',
    });
    expect(stripe.statusCode).toBe(404);
  });

  it('/buy10 sends the Stars invoice at once; /billing says cards are not taken', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Quinn' }).id;
    control.fanSendsText(fan, '/buy10');
    const invoice = await control.waitFor(
      () => control.messages(fan).find((m) => m.kind === 'invoice'),
      10_000,
      'invoice',
    );
    expect(invoice.buttons).toEqual([]);
    control.fanSendsText(fan, '/billing');
    const billing = await control.waitFor(
      () =>
        control.messages(fan).find((m) => m.text?.startsWith('Card payments are not available')),
      10_000,
      'billing answer',
    );
    expect(billing.text).toContain('Telegram Stars');
  });

  it('a Stars purchase credits the fan', async () => {
    const { control } = env.tg;
    const fan = control.createUser({ first_name: 'Rae' }).id;
    const invoice = await invoiceFromShop(env, fan);
    control.startPreCheckout(fan, { invoiceMessageId: invoice.messageId });
    await control.waitFor(
      () => control.messages(fan).find((m) => m.text?.startsWith('✅ Payment received')),
      10_000,
      'receipt',
    );
    expect(await starsState(env.db, fan)).toEqual({ credits: 10, grants: 1 });
    expect(control.violations()).toEqual([]);
  });

  it('doctor passes, its Stripe checks saying "not used"', async () => {
    const sims = await startSims();
    try {
      const { ownerId, chatId } = createAdminGroup(sims);
      const cwd = tempDir();
      fs.writeFileSync(
        path.join(cwd, '.env'),
        [
          `BOT_TOKEN=${BOT_TOKEN}`,
          `ADMIN_CHAT_ID=${chatId}`,
          `ADMIN_USER_IDS=${ownerId}`,
          `DATABASE_URL=${env.testDb.url}`,
          `TELEGRAM_API_ROOT=${sims.env.TELEGRAM_API_ROOT}`,
        ].join('\n'),
        { mode: 0o600 },
      );
      const result = await runInProcess(['doctor'], { cwd });
      expect(result.output).toContain(
        '✔ product catalog: 1 active product(s); rails: Telegram Stars only (payments.rails = stars)',
      );
      expect(result.output).toContain(
        '- Stripe API key: STRIPE_API_KEY is not set: Stripe not used',
      );
      expect(result.output).toContain('- Stripe webhook endpoint: not used');
      // The purchases of this file's other tests, in Stars (getMyStarBalance).
      expect(result.output).toMatch(/✔ Telegram Stars balance: ⭐ \d+/);
      expect(result.output).not.toMatch(/^✖/m);
      expect(result.code).toBe(0);
    } finally {
      await sims.close();
    }
  });
});
