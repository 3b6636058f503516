/**
 * An owner unfreezes a fan frozen by a dispute from Telegram: the alert says how, the fan
 * card offers 🧊 Unfreeze to owners only, and the fan can write again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../src/adapters/stripe/client.js';
import { STRIPE_EVENTS } from '../../src/adapters/stripe/webhook-endpoint.js';
import { buildRuntime, type Runtime } from '../../src/cli/runtime/index.js';
import { silentLogger } from '../../src/core/logger.js';
import {
  createStripeSimulator,
  type StripeObject,
  type StripeSimulator,
} from '../../src/sandbox/stripe/index.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../src/sandbox/telegram/index.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import { createProduct, fanState } from './helpers.js';

const WEBHOOK_SECRET = 'unfreeze-secret';

describe('owner unfreeze (Telegram + Stripe simulators)', () => {
  let tg: TelegramSimulator;
  let stripeSim: StripeSimulator;
  let testDb: TestDb;
  let runtime: Runtime;
  let adminChatId: number;
  let ownerId: number;
  let adminId: number;
  beforeAll(async () => {
    tg = createTelegramSimulator({ timeScale: 0.01 });
    await tg.listen(0);
    stripeSim = createStripeSimulator({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 } });
    await stripeSim.listen(0);
    const owner = tg.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' });
    ownerId = owner.id;
    adminId = tg.control.createUser({ first_name: 'Adam' }).id;
    const group = tg.control.createForumGroup({
      title: 'Premium team',
      ownerId,
      admins: [adminId],
    });
    adminChatId = group.chatId;
    testDb = await createMigratedTestDb();
    await testDb.db('admins').insert({ user_id: adminId, role: 'admin' });
    const stripe = createStripeClient({ apiKey: 'sk_test_unfreeze', apiBase: stripeSim.apiBase });
    await createProduct({ stripe, db: testDb.db }, '10 credits', 'credits', 10, 500, 1);
    const secrets: string[] = [];
    runtime = await buildRuntime({
      botToken: tg.token,
      apiRoot: tg.apiRoot,
      adminChatId,
      ownerIds: [ownerId],
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
      fan: { cardRefreshMs: 200, balanceBarDelayMs: 150, settingsTtlMs: 0 },
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

  it('the dispute alert says how; only an owner can tap 🧊 Unfreeze; the fan writes again', async () => {
    tg.control.fanSendsText(ownerId, '/start');
    const fan = tg.control.createUser({ first_name: 'Dee' });
    tg.control.fanSendsText(fan.id, '/buy10');
    const offer = await tg.control.waitFor(
      () => tg.control.messages(fan.id).find((m) => m.buttons.flat().some((b) => b.url)),
      10_000,
      'checkout link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await stripeSim.control.waitForDeliveries(30_000);
    const charge = stripeSim.control
      .list<StripeObject & { metadata?: Record<string, string> }>('charge')
      .at(-1)!;
    stripeSim.control.openDispute(charge.id);
    await stripeSim.control.waitForDeliveries(30_000);
    expect((await fanState(testDb.db, fan.id)).frozen).toBe(true);

    const alert = await tg.control.waitFor(
      () => tg.control.messages(ownerId).find((m) => m.text?.includes('🚨 Dispute')),
      10_000,
      'owner alert',
    );
    expect(alert.text).not.toContain('admin panel');
    // The owner's alert names the fan, not just an id.
    expect(alert.text).toContain(`Dee (id ${fan.id})'s bank`);
    expect(alert.text).toContain('🧊 Unfreeze');

    const topic = await tg.control.waitFor(
      () => tg.control.topics(adminChatId).find((t) => t.name.startsWith('Dee')),
      10_000,
      'topic',
    );
    const card = await tg.control.waitFor(
      () => tg.control.messages(adminChatId, { threadId: topic.threadId }).find((m) => m.pinned),
      10_000,
      'card',
    );
    // 👤 User info refreshes the pinned card: a frozen fan's card offers 🧊 Unfreeze.
    tg.control.pressButton(ownerId, adminChatId, card.messageId, `card:info:${fan.id}`);
    const unfreeze = `card:unfreeze:${fan.id}`;
    await tg.control.waitFor(
      () =>
        tg.control
          .message(adminChatId, card.messageId)!
          .buttons.flat()
          .some((b) => b.callbackData === unfreeze),
      10_000,
      'unfreeze button',
    );
    const byAdmin = tg.control.pressButton(adminId, adminChatId, card.messageId, unfreeze);
    await tg.control.waitFor(() => tg.control.callbackQuery(byAdmin)?.answer, 10_000, 'answer');
    expect(tg.control.callbackQuery(byAdmin)!.answer!.text).toBe('Only owners can do this.');
    expect((await fanState(testDb.db, fan.id)).frozen).toBe(true);

    const byOwner = tg.control.pressButton(ownerId, adminChatId, card.messageId, unfreeze);
    await tg.control.waitFor(() => tg.control.callbackQuery(byOwner)?.answer, 10_000, 'answer');
    expect((await fanState(testDb.db, fan.id)).frozen).toBe(false);
    await tg.control.waitFor(
      () =>
        tg.control
          .messages(adminChatId, { threadId: topic.threadId })
          .some((m) => m.text?.startsWith('🧊 Olivia unfroze this fan')),
      10_000,
      'audit note',
    );
    tg.control.fanSendsText(fan.id, 'can I write again?');
    await tg.control.waitFor(
      () =>
        tg.control
          .messages(adminChatId, { threadId: topic.threadId })
          .some((m) => m.text === 'can I write again?'),
      10_000,
      'relayed after unfreeze',
    );
    expect(tg.control.violations()).toEqual([]);
    expect(stripeSim.control.violations()).toEqual([]);
  });
});
