/**
 * The pinned fan card tells the truth after payments: a refund lowers its balance and a
 * dispute shows the frozen flag, without anyone touching the card (coalesced edits).
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

const WEBHOOK_SECRET = 'card-refresh-secret';

describe('the fan card after refunds and disputes (Telegram + Stripe simulators)', () => {
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
    const stripe = createStripeClient({
      apiKey: 'sk_test_cardrefresh',
      apiBase: stripeSim.apiBase,
    });
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

  it('a refund and a dispute refresh the pinned card by themselves', async () => {
    const fan = tg.control.createUser({ first_name: 'Cara' });
    tg.control.fanSendsText(fan.id, '/buy10');
    const offer = await tg.control.waitFor(
      () => tg.control.messages(fan.id).find((m) => m.buttons.flat().some((b) => b.url)),
      10_000,
      'checkout link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await stripeSim.control.waitForDeliveries(30_000);
    const topic = await tg.control.waitFor(
      () => tg.control.topics(adminChatId).find((t) => t.name.startsWith('Cara')),
      10_000,
      'topic',
    );
    const card = () =>
      tg.control.messages(adminChatId, { threadId: topic.threadId }).find((m) => m.pinned);
    await tg.control.waitFor(
      () => card()?.text?.includes('Balance: 10 credits'),
      10_000,
      'card 10',
    );

    const charge = stripeSim.control.list<StripeObject>('charge').at(-1)!;
    stripeSim.control.refund(charge.id, 250);
    await stripeSim.control.waitForDeliveries(30_000);
    expect((await fanState(testDb.db, fan.id)).credits).toBe(5);
    await tg.control.waitFor(
      () => card()?.text?.includes('Balance: 5 credits'),
      10_000,
      'card after the refund',
    );

    stripeSim.control.openDispute(charge.id);
    await stripeSim.control.waitForDeliveries(30_000);
    await tg.control.waitFor(
      () => card()?.text?.includes('frozen (dispute)'),
      10_000,
      'card after the dispute',
    );
    expect(tg.control.violations()).toEqual([]);
  });
});
