/**
 * Money in the currency's own minor units, end to end: a catalog file → `premiumbot products
 * sync` → the Stripe price → the shop's button → Checkout → receipt → quick-buy consent →
 * receipt, through the Telegram and Stripe simulators and `serve`'s composition.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../src/adapters/stripe/client.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { buildRuntime, type Runtime } from '../../src/cli/runtime/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import {
  STRIPE_KEY,
  runInProcess,
  startSims,
  tempDir,
  type Sims,
} from '../cli/operator-harness.js';

const WEBHOOK_SECRET = 'currencies-e2e-secret';
/** Intl separates a currency code from the digits with a no-break space. */
const NBSP = '\u00a0';

const CASES = [
  { currency: 'jpy', price: '500', unitAmount: 500, shown: '¥500', total: '¥1,000' },
  {
    currency: 'kwd',
    price: '5.000',
    unitAmount: 5000,
    shown: `KWD${NBSP}5.000`,
    total: `KWD${NBSP}10.000`,
  },
] as const;

describe.each(CASES)('a $currency install, catalog to receipt', (c) => {
  let sims: Sims;
  let testDb: TestDb;
  let runtime: Runtime;
  let adminChatId: number;
  let syncOutput: string;
  let env: Record<string, string>;
  let cwd: string;
  let fanId: number;
  beforeAll(async () => {
    sims = await startSims();
    testDb = await createMigratedTestDb();
    cwd = tempDir('pb-currency-');
    const catalog = path.join(cwd, 'products.yaml');
    fs.writeFileSync(
      catalog,
      `products:\n  - label: Ten\n    type: credits\n    amount: 10\n    price: "${c.price}"\n`,
    );
    env = {
      ...sims.env,
      STRIPE_API_KEY: STRIPE_KEY,
      DATABASE_URL: testDb.url,
      CURRENCY: c.currency,
    };
    const sync = await runInProcess(['products', 'sync', '--catalog', catalog], { cwd, env });
    expect(sync.code, sync.output).toBe(0);
    syncOutput = sync.output;

    const owner = sims.telegram.control.createUser({ first_name: 'Olivia' });
    adminChatId = sims.telegram.control.createForumGroup({
      title: 'Premium team',
      ownerId: owner.id,
    }).chatId;
    const stripe = createStripeClient({ apiKey: STRIPE_KEY, apiBase: sims.stripe.apiBase });
    const secrets: string[] = [];
    runtime = await buildRuntime({
      botToken: sims.telegram.token,
      apiRoot: sims.telegram.apiRoot,
      adminChatId,
      ownerIds: [owner.id],
      webhookSecret: WEBHOOK_SECRET,
      mode: 'webhook',
      db: testDb.db,
      logger: silentLogger,
      tuning: { idlePollMs: 20, pauseRefreshMs: 200, limits: { timeScale: 0.01 } },
      fan: { currency: c.currency },
      payments: {
        stripe,
        webhookSecrets: secrets,
        now: () => sims.stripe.control.clock.nowMs(),
      },
    });
    await runtime.start();
    const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    await sims.telegram.callApi('setWebhook', {
      url: `${address}/telegram-webhook`,
      secret_token: WEBHOOK_SECRET,
    });
    secrets.push(
      sims.stripe.control.addEndpoint(`${address}/stripe-webhook`, [...STRIPE_EVENTS]).secret,
    );
  });
  afterAll(async () => {
    await sims?.telegram.callApi('deleteWebhook', {}).catch(() => {});
    await runtime?.stop();
    await sims?.close();
    await testDb?.destroy();
  });

  it(`price "${c.price}" is ${c.unitAmount} minor units on Stripe and ${c.shown} everywhere`, async () => {
    const tg = sims.telegram.control;
    const stripeSim = sims.stripe.control;
    expect(syncOutput).toContain(`+ create product "Ten" (10 credits) at ${c.shown}`);
    const prices = stripeSim.list<{
      id: string;
      object: string;
      unit_amount: number;
      currency: string;
    }>('price');
    expect(prices.map((p) => [p.unit_amount, p.currency])).toEqual([[c.unitAmount, c.currency]]);
    const row = (await testDb.db('products').first('id', 'price_cents', 'currency')) as {
      id: number;
      price_cents: number | string;
      currency: string;
    };
    expect([Number(row.price_cents), row.currency]).toEqual([c.unitAmount, c.currency]);

    // The shop: bare /buy lists the products with their price.
    const fan = tg.createUser({ first_name: 'Kenji', language_code: 'en' });
    fanId = fan.id;
    tg.fanSendsText(fan.id, '/buy');
    const shop = await tg.waitFor(
      () =>
        tg
          .messages(fan.id)
          .find(
            (m) => m.fromBot && m.buttons.flat().some((b) => b.callbackData?.startsWith('buy:')),
          ),
      10_000,
      'the shop',
    );
    const button = shop.buttons.flat().find((b) => b.callbackData === `buy:${row.id}`)!;
    expect(button.text).toBe(`Ten — ${c.shown}`);

    // The button → Checkout for exactly the Stripe price → paid, card saved → receipt.
    tg.pressButton(fan.id, fan.id, shop.messageId, button.callbackData!);
    const offer = await tg.waitFor(
      () =>
        tg
          .messages(fan.id)
          .find((m) => m.fromBot && m.buttons.flat().some((b) => b.url?.includes('/checkout/'))),
      10_000,
      'checkout link',
    );
    expect(offer.text).toContain(c.shown);
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!;
    const session = stripeSim.list<{
      id: string;
      object: string;
      amount_total: number;
      currency: string;
    }>('checkout.session');
    expect(session.map((s) => [s.id, s.amount_total, s.currency])).toEqual([
      [sessionId, c.unitAmount, c.currency],
    ]);
    stripeSim.payCheckoutSession(sessionId, { saveCard: true });
    await stripeSim.waitForDeliveries(30_000);
    const receiptOf = (n: number) =>
      tg.waitFor(
        () => {
          const found = tg
            .messages(fan.id)
            .filter((m) => m.fromBot && m.text?.includes('Payment received'));
          return found.length >= n ? found[n - 1] : undefined;
        },
        10_000,
        `receipt ${n}`,
      );
    expect((await receiptOf(1)).text).toContain(`Ten: 10 credits for ${c.shown}.`);
    await tg.waitFor(
      () => tg.messages(fan.id).some((m) => m.fromBot && m.text?.startsWith('💳 Card saved')),
      10_000,
      'card saved',
    );

    // Quick-buy with the saved card: the consent text, then the off-session charge's receipt.
    tg.fanSendsText(fan.id, '/buy10');
    const consent = await tg.waitFor(
      () => tg.messages(fan.id).find((m) => m.fromBot && m.text?.startsWith('Charge ')),
      10_000,
      'quick-buy consent',
    );
    expect(consent.text).toBe(`Charge ${c.shown} to Visa •••• 4242 for 10 credits?`);
    const confirm = consent.buttons.flat().find((b) => b.callbackData?.startsWith('qb:'))!;
    tg.pressButton(fan.id, fan.id, consent.messageId, confirm.callbackData!);
    await tg.waitFor(
      () => stripeSim.list('payment_intent').length === 2,
      10_000,
      'quick-buy PaymentIntent',
    );
    await stripeSim.waitForDeliveries(30_000);
    expect((await receiptOf(2)).text).toContain(`Ten: 10 credits for ${c.shown}.`);
    const intents = stripeSim.list<{
      id: string;
      object: string;
      amount: number;
      currency: string;
    }>('payment_intent');
    expect(intents.map((pi) => [pi.amount, pi.currency])).toEqual([
      [c.unitAmount, c.currency],
      [c.unitAmount, c.currency],
    ]);

    // The team's view: the first sale opened the topic, so its card shows it (no note); the
    // second is a sale note with the price and the total spent in the install's currency.
    const topic = await tg.waitFor(
      () => tg.topics(adminChatId).find((t) => t.name.startsWith('Kenji')),
      10_000,
      'fan topic',
    );
    const inTopic = () => tg.messages(adminChatId, { threadId: topic.threadId });
    const card = await tg.waitFor(
      () =>
        inTopic().find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('card:'))),
      10_000,
      'fan card',
    );
    expect(card.text).toContain(`Latest purchase: Ten (10 credits) — ${c.shown} via`);
    const sale = await tg.waitFor(
      () => inTopic().find((m) => m.text?.startsWith('💰 Sale')),
      10_000,
      'the second sale note',
    );
    expect(sale.text).toContain(`— ${c.shown} via quick-buy. Total spent ${c.total}`);
    expect(inTopic().filter((m) => m.text?.startsWith('💰 Sale'))).toHaveLength(1);
    expect(tg.violations()).toEqual([]);
    expect(stripeSim.violations()).toEqual([]);
  });

  it('a purchase in another currency is never added to total spent or the tier', async () => {
    const tg = sims.telegram.control;
    const stripeSim = sims.stripe.control;
    // A package priced in dollars on the Dashboard, pulled by `products sync`.
    const stripe = createStripeClient({ apiKey: STRIPE_KEY, apiBase: sims.stripe.apiBase });
    const product = await stripe.products.create({
      name: 'Dollar pack',
      metadata: { premiumbot_type: 'credits', premiumbot_amount: '7' },
    });
    await stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'usd' });
    const pull = await runInProcess(['products', 'sync'], { cwd, env });
    expect(pull.code, pull.output).toBe(0);
    const before = (await testDb.db('users').where('id', fanId).first()) as {
      total_spent_cents: number | string;
      tier: string;
    };
    expect(Number(before.total_spent_cents)).toBe(2 * c.unitAmount);

    // Quick-buy of the dollar pack with the saved card: charged in dollars.
    tg.fanSendsText(fanId, '/buy7');
    const consent = await tg.waitFor(
      () => tg.messages(fanId).find((m) => m.fromBot && m.text?.startsWith('Charge $5.00')),
      10_000,
      'dollar consent',
    );
    expect(consent.text).toBe('Charge $5.00 to Visa •••• 4242 for 7 credits?');
    const confirm = consent.buttons.flat().find((b) => b.callbackData?.startsWith('qb:'))!;
    tg.pressButton(fanId, fanId, consent.messageId, confirm.callbackData!);
    await tg.waitFor(
      () => stripeSim.list('payment_intent').length === 3,
      10_000,
      'dollar PaymentIntent',
    );
    await stripeSim.waitForDeliveries(30_000);
    await tg.waitFor(
      () =>
        tg
          .messages(fanId)
          .some((m) => m.fromBot && m.text?.includes('Dollar pack: 7 credits for $5.00.')),
      10_000,
      'dollar receipt',
    );
    const after = (await testDb.db('users').where('id', fanId).first()) as {
      total_spent_cents: number | string;
      tier: string;
      message_credits: number | string;
    };
    expect(Number(after.message_credits)).toBe(27);
    expect(Number(after.total_spent_cents)).toBe(2 * c.unitAmount);
    expect(after.tier).toBe(before.tier);
    const dashboard = (await testDb.db('user_dashboard').where('id', fanId).first()) as {
      total_spent: number | string;
    };
    expect(Number(dashboard.total_spent)).toBe(2 * c.unitAmount);
    const topic = tg.topics(adminChatId).find((t) => t.name.startsWith('Kenji'))!;
    const sale = await tg.waitFor(
      () =>
        tg
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.text?.startsWith('💰 Sale: Dollar pack')),
      10_000,
      'dollar sale note',
    );
    expect(sale.text).toContain(`— $5.00 via quick-buy. Total spent ${c.total}`);
    expect(tg.violations()).toEqual([]);
    expect(stripeSim.violations()).toEqual([]);
  });
});
