/**
 * The whole bot with the Telegram Stars rail, as `serve` runs it: a runtime over a fresh
 * migrated database and the Telegram simulator over real HTTP; with `stripe`, the Stripe
 * simulator too (both rails), else no Stripe configuration at all. One product: 10 credits
 * for $5.00 or ⭐ 250.
 */
import type { Knex } from 'knex';
import { createStripeClient } from '../../src/adapters/stripe/client.js';
import { buildRuntime, type Runtime } from '../../src/cli/runtime/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../src/sandbox/telegram/index.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';
import { createProduct } from './helpers.js';
import { ALLOWED_UPDATES } from '../../src/adapters/telegram/operator-api.js';

export interface StarsEnv {
  tg: TelegramSimulator;
  stripeSim?: StripeSimulator;
  testDb: TestDb;
  db: Knex;
  runtime: Runtime;
  adminChatId: number;
  ownerId: number;
  productId: number;
  webhookSecret: string;
  /** A topic of the admin group where the team opens the panel. */
  panelThreadId: number;
  /** The 1-hour pass sold for Stars (with `passStars`). */
  passId?: number;
  /** The 30-day pass sold as a Star subscription (with `subscriptionStars`). */
  subscriptionId?: number;
  close(): Promise<void>;
}

/** A product row sold for Stars only (no Stripe price): what a Stars-only install sells. */
async function insertStarsProduct(
  db: Knex,
  row: { label: string; type: 'credits' | 'time'; amount: number; stars: number; sort: number } = {
    label: '10 credits',
    type: 'credits',
    amount: 10,
    stars: 250,
    sort: 10,
  },
): Promise<number> {
  const rows = (await db('products')
    .insert({ ...row, price_cents: 500, currency: 'usd', active: true })
    .returning('id')) as Array<{ id: number } | number>;
  const first = rows[0]!;
  return typeof first === 'object' ? Number(first.id) : Number(first);
}

export async function startStarsEnv(options: {
  stripe: boolean;
  /** Also sell a 1-hour pass for this many Stars (Stars only); its id is `passId`. */
  passStars?: number;
  /** Also sell a 30-day pass as a Star subscription for this many Stars; `subscriptionId`. */
  subscriptionStars?: number;
}): Promise<StarsEnv> {
  const tg = createTelegramSimulator({ timeScale: 0.01 });
  await tg.listen(0);
  const ownerId = tg.control.createUser({ first_name: 'Olivia' }).id;
  const group = tg.control.createForumGroup({ title: 'Premium team', ownerId });
  const testDb = await createMigratedTestDb();
  const db = testDb.db;
  let stripeSim: StripeSimulator | undefined;
  let productId: number;
  let payments: Parameters<typeof buildRuntime>[0]['payments'];
  if (options.stripe) {
    stripeSim = createStripeSimulator({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 } });
    await stripeSim.listen(0);
    const stripe = createStripeClient({ apiKey: 'sk_test_stars', apiBase: stripeSim.apiBase });
    productId = await createProduct({ stripe, db }, '10 credits', 'credits', 10, 500, 1);
    await db('products').where('id', productId).update({ stars: 250 });
    payments = { stripe, webhookSecrets: ['whsec_stars'] };
  } else {
    productId = await insertStarsProduct(db);
    payments = { webhookSecrets: [] };
  }
  const passId =
    options.passStars === undefined
      ? undefined
      : await insertStarsProduct(db, {
          label: '1 hour chat',
          type: 'time',
          amount: 3600,
          stars: options.passStars,
          sort: 20,
        });
  let subscriptionId: number | undefined;
  if (options.subscriptionStars !== undefined) {
    subscriptionId = await insertStarsProduct(db, {
      label: '30 days chat',
      type: 'time',
      amount: 2_592_000,
      stars: options.subscriptionStars,
      sort: 30,
    });
    await db('products').where('id', subscriptionId).update({ stars_subscription: true });
  }
  const webhookSecret = 'stars-secret';
  const runtime = await buildRuntime({
    botToken: tg.token,
    apiRoot: tg.apiRoot,
    adminChatId: group.chatId,
    ownerIds: [ownerId],
    webhookSecret,
    mode: 'webhook',
    db,
    logger: silentLogger,
    tuning: { idlePollMs: 20, pauseRefreshMs: 200, limits: { timeScale: 0.01 } },
    fan: { cardRefreshMs: 200, balanceBarDelayMs: 150, settingsTtlMs: 0 },
    payments,
  });
  await runtime.start();
  const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  await tg.callApi('setWebhook', {
    url: `${address}/telegram-webhook`,
    secret_token: webhookSecret,
    // As `set-webhooks` subscribes.
    allowed_updates: [...ALLOWED_UPDATES],
  });
  const panelThreadId = tg.control.createTopic(group.chatId, 'Panel', { byUserId: ownerId });
  return {
    panelThreadId,
    passId,
    subscriptionId,
    tg,
    stripeSim,
    testDb,
    db,
    runtime,
    adminChatId: group.chatId,
    ownerId,
    productId,
    webhookSecret,
    async close() {
      await tg.callApi('deleteWebhook', {}).catch(() => {});
      await runtime.stop();
      await tg.close();
      await stripeSim?.close();
      await testDb.destroy();
    },
  };
}

/** The fan opens the shop (/start, ▶️ Start) and gets the product list. */
export async function openShop(env: StarsEnv, fanId: number): Promise<MessageView> {
  const { control } = env.tg;
  control.fanSendsText(fanId, '/start');
  const welcome = await control.waitFor(
    () =>
      control
        .messages(fanId)
        .find((m) => m.buttons.flat().some((b) => b.callbackData === 'fan:start')),
    10_000,
    'welcome',
  );
  control.pressButton(fanId, fanId, welcome.messageId, 'fan:start');
  return control.waitFor(
    () =>
      control
        .messages(fanId)
        .find((m) => m.buttons.flat().some((b) => /^(buy|stars):/.test(b.callbackData ?? ''))),
    10_000,
    'product list',
  );
}

/** Taps "⭐ 250" on the shop and waits for the invoice. */
export async function invoiceFromShop(env: StarsEnv, fanId: number): Promise<MessageView> {
  const { control } = env.tg;
  const shop = await openShop(env, fanId);
  control.pressButton(fanId, fanId, shop.messageId, `stars:${env.productId}`);
  return control.waitFor(
    () => control.messages(fanId).find((m) => m.kind === 'invoice'),
    10_000,
    'invoice',
  );
}

/** The fan's credits and the Stars grants of their ledger. */
export async function starsState(db: Knex, fanId: number) {
  const user = (await db('users').where('id', fanId).first('message_credits')) as
    { message_credits: number } | undefined;
  const grants = (await db('credit_ledger')
    .where('user_id', fanId)
    .where('idempotency_key', 'like', 'grant:stars:%')) as unknown[];
  return { credits: Number(user?.message_credits ?? 0), grants: grants.length };
}
