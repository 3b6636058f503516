/**
 * End to end through `serve`'s composition: the Telegram simulator plays the fan, the Stripe
 * simulator the payment page; receipts and notes go out through the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../src/adapters/stripe/client.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { buildRuntime, type Runtime } from '../../src/cli/runtime/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../src/sandbox/telegram/index.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import { createProduct } from './helpers.js';

const WEBHOOK_SECRET = 'payments-e2e-secret';

describe('payments in the bot (Telegram + Stripe simulators)', () => {
  let tg: TelegramSimulator;
  let stripeSim: StripeSimulator;
  let testDb: TestDb;
  let runtime: Runtime;
  let adminChatId: number;
  let productId: number;
  beforeAll(async () => {
    tg = createTelegramSimulator({ timeScale: 0.01 });
    await tg.listen(0);
    stripeSim = createStripeSimulator({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 } });
    await stripeSim.listen(0);
    const owner = tg.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' });
    const group = tg.control.createForumGroup({ title: 'Premium team', ownerId: owner.id });
    adminChatId = group.chatId;
    testDb = await createMigratedTestDb();
    const stripe = createStripeClient({ apiKey: 'sk_test_e2e', apiBase: stripeSim.apiBase });
    productId = await createProduct({ stripe, db: testDb.db }, '10 credits', 'credits', 10, 500, 1);
    const secrets: string[] = [];
    runtime = await buildRuntime({
      botToken: tg.token,
      apiRoot: tg.apiRoot,
      adminChatId,
      ownerIds: [owner.id],
      webhookSecret: WEBHOOK_SECRET,
      mode: 'webhook',
      db: testDb.db,
      logger: silentLogger,
      tuning: {
        idlePollMs: 20,
        pauseRefreshMs: 200,
        shutdownGraceMs: 5_000,
        limits: { timeScale: 0.01 },
      },
      payments: { stripe, webhookSecrets: secrets, now: () => stripeSim.control.clock.nowMs() },
    });
    await runtime.start();
    const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    await tg.callApi('setWebhook', {
      url: `${address}/telegram-webhook`,
      secret_token: WEBHOOK_SECRET,
    });
    secrets.push(
      stripeSim.control.addEndpoint(`${address}/stripe-webhook`, [...STRIPE_EVENTS]).secret,
    );
  });
  afterAll(async () => {
    await tg?.callApi('deleteWebhook', {}).catch(() => {});
    await runtime?.stop();
    await tg?.close();
    await stripeSim?.close();
    await testDb?.destroy();
  });

  it('buy button → Checkout → paid: one receipt for the fan, the sale on the card of the topic it opens', async () => {
    const fan = tg.control.createUser({ first_name: 'Zoë_<b>', username: 'zoe_fan' });
    tg.control.fanSendsText(fan.id, '/autorecharge');
    const menu = await tg.control.waitFor(
      () => tg.control.messages(fan.id).find((m) => m.fromBot && m.text?.startsWith('🔁')),
      10_000,
      'auto-recharge menu',
    );
    tg.control.pressButton(fan.id, fan.id, menu.messageId, 'ar:on');
    await tg.control.waitFor(
      () => tg.control.message(fan.id, menu.messageId)?.text?.includes('is ON'),
      10_000,
      'menu edited',
    );

    tg.control.fanSendsText(fan.id, '/buy10');
    const offer = await tg.control.waitFor(
      () =>
        tg.control
          .messages(fan.id)
          .find((m) => m.fromBot && m.buttons.flat().some((b) => b.url?.includes('/checkout/'))),
      10_000,
      'checkout link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!;
    stripeSim.control.payCheckoutSession(sessionId);
    await stripeSim.control.waitForDeliveries(30_000);
    const receipt = await tg.control.waitFor(
      () =>
        tg.control.messages(fan.id).find((m) => m.fromBot && m.text?.includes('Payment received')),
      10_000,
      'receipt',
    );
    expect(receipt.text).toContain('Your balance: 10 credits');
    const topic = await tg.control.waitFor(
      () => tg.control.topics(adminChatId).find((t) => t.name.startsWith('Zoë')),
      10_000,
      'fan topic',
    );
    // The payment opened the fan's topic: its card shows the sale (issue 20), no note.
    const card = await tg.control.waitFor(
      () =>
        tg.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('card:'))),
      10_000,
      'fan card',
    );
    expect(card.text).toContain('Latest purchase: 10 credits — $5.00 via checkout');
    // Auto-recharge was on: the card was saved for off-session use, and the fan told.
    await tg.control.waitFor(
      () =>
        tg.control.messages(fan.id).some((m) => m.fromBot && m.text?.startsWith('💳 Card saved')),
      10_000,
      'card saved',
    );
    const fanTexts = tg.control
      .messages(fan.id)
      .filter((m) => m.fromBot)
      .map((m) => m.text ?? '');
    expect(fanTexts.filter((t) => t.includes('Payment received'))).toHaveLength(1);
    const sales = tg.control
      .messages(adminChatId, { threadId: topic.threadId })
      .filter((m) => m.text?.startsWith('💰 Sale'));
    expect(sales).toHaveLength(0);

    tg.control.fanSendsText(fan.id, '/billing');
    await tg.control.waitFor(
      () =>
        tg.control
          .messages(fan.id)
          .some(
            (m) => m.fromBot && m.buttons.flat().some((b) => b.text.includes('billing portal')),
          ),
      10_000,
      'portal link',
    );
    expect(productId).toBeGreaterThan(0);
    expect(tg.control.violations()).toEqual([]);
    expect(stripeSim.control.violations()).toEqual([]);
  });
});
