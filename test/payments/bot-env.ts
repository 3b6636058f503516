/**
 * The whole bot with payments, as `serve` runs it: a runtime over a fresh migrated
 * database, the Telegram and Stripe simulators over real HTTP, one 10-credit product, and
 * the webhooks of both pointed at the runtime.
 */
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
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';

export interface BotEnv {
  tg: TelegramSimulator;
  stripeSim: StripeSimulator;
  testDb: TestDb;
  runtime: Runtime;
  adminChatId: number;
  ownerId: number;
  /** A team member with the `admin` role (not an owner). */
  adminId: number;
  close(): Promise<void>;
}

export async function startBotEnv(name: string): Promise<BotEnv> {
  const tg = createTelegramSimulator({ timeScale: 0.01 });
  await tg.listen(0);
  const stripeSim = createStripeSimulator({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 } });
  await stripeSim.listen(0);
  const ownerId = tg.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' }).id;
  const adminId = tg.control.createUser({ first_name: 'Adam' }).id;
  const group = tg.control.createForumGroup({
    title: 'Premium team',
    ownerId,
    admins: [adminId],
  });
  const testDb = await createMigratedTestDb();
  await testDb.db('admins').insert({ user_id: adminId, role: 'admin' });
  const stripe = createStripeClient({ apiKey: `sk_test_${name}`, apiBase: stripeSim.apiBase });
  await createProduct({ stripe, db: testDb.db }, '10 credits', 'credits', 10, 500, 1);
  const secrets: string[] = [];
  const webhookSecret = `${name}-secret`;
  const runtime = await buildRuntime({
    botToken: tg.token,
    apiRoot: tg.apiRoot,
    adminChatId: group.chatId,
    ownerIds: [ownerId],
    webhookSecret,
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
    secret_token: webhookSecret,
    // As `set-webhooks` subscribes.
    allowed_updates: [...ALLOWED_UPDATES],
  });
  secrets.push(
    stripeSim.control.addEndpoint(`${address}/stripe-webhook`, [...STRIPE_EVENTS]).secret,
  );
  return {
    tg,
    stripeSim,
    testDb,
    runtime,
    adminChatId: group.chatId,
    ownerId,
    adminId,
    async close() {
      await tg.callApi('deleteWebhook', {}).catch(() => {});
      await runtime.stop();
      await tg.close();
      await stripeSim.close();
      await testDb.destroy();
    },
  };
}

/** The fan sends /buy10, follows the Checkout link and pays; every webhook is delivered. */
export async function buyTenCredits(env: BotEnv, fanId: number): Promise<void> {
  env.tg.control.fanSendsText(fanId, '/buy10');
  const offer = await env.tg.control.waitFor(
    () => env.tg.control.messages(fanId).find((m) => m.buttons.flat().some((b) => b.url)),
    10_000,
    'checkout link',
  );
  const url = offer.buttons.flat().find((b) => b.url)!.url!;
  env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
  await env.stripeSim.control.waitForDeliveries(30_000);
}
