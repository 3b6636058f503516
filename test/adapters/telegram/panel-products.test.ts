/**
 * Acceptance (issue 14, /products) through the Telegram and Stripe simulators, on SQLite and
 * on Postgres: the shop as fans see it; a product created in the guided flow exists on
 * Stripe with premiumbot metadata and in the fan's shop (Start, /buy<N>, a real payment);
 * a bad amount or price is refused with the reason and creates nothing; a Stripe failure
 * creates nothing and pressing Create again converges on one product; a double tap on
 * Archive acts once and the product leaves the shop; restore and reorder reach the shop;
 * people outside the team get a refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../../../src/adapters/stripe/client.js';
import { STRIPE_EVENTS } from '../../../src/adapters/stripe/webhook-endpoint.js';
import { buildRuntime } from '../../../src/cli/runtime/index.js';
import { START_CALLBACK } from '../../../src/core/keyboards.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createStripeSimulator, type StripeSimulator } from '../../../src/sandbox/stripe/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import { createTelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { createMigratedTestDb } from '../../helpers/db.js';
import { createProduct } from '../../payments/helpers.js';
import {
  answerOf,
  botMessagesInTopic,
  command,
  current,
  eventually,
  press,
  until,
  type PanelEnv,
} from './panel-harness.js';

interface ProductsEnv extends PanelEnv {
  stripeSim: StripeSimulator;
  fanId: number;
}

/** The panel's people and topic, a fan, and the runtime with payments on Stripe. */
async function startProductsEnv(): Promise<ProductsEnv> {
  const sim = createTelegramSimulator({ timeScale: 0.01, webhook: { timeoutSeconds: 6000 } });
  await sim.listen(0);
  const stripeSim = createStripeSimulator({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200 } });
  await stripeSim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' });
  const admin = sim.control.createUser({ first_name: 'Adam' });
  const agent = sim.control.createUser({ first_name: 'Agnes' });
  const outsider = sim.control.createUser({ first_name: 'Otto' });
  const fan = sim.control.createUser({ first_name: 'Fiona' });
  const group = sim.control.createForumGroup({
    title: 'Premium team',
    ownerId: owner.id,
    admins: [admin.id, agent.id, outsider.id],
  });
  const testDb = await createMigratedTestDb();
  await testDb.db('admins').insert([
    { user_id: admin.id, role: 'admin' },
    { user_id: agent.id, role: 'agent' },
  ]);
  const stripe = createStripeClient({ apiKey: 'sk_test_products', apiBase: stripeSim.apiBase });
  await createProduct({ stripe, db: testDb.db }, '10 credits', 'credits', 10, 500, 10);
  const secrets: string[] = [];
  const runtime = await buildRuntime({
    botToken: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: group.chatId,
    ownerIds: [owner.id],
    webhookSecret: 'products-secret',
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
  await sim.callApi('setWebhook', {
    url: `${address}/telegram-webhook`,
    secret_token: 'products-secret',
  });
  secrets.push(
    stripeSim.control.addEndpoint(`${address}/stripe-webhook`, [...STRIPE_EVENTS]).secret,
  );
  const threadId = sim.control.createTopic(group.chatId, 'Panel', { byUserId: owner.id });
  const stopRuntime = async () => {
    await sim.callApi('deleteWebhook', {}).catch(() => {});
    await runtime.stop();
  };
  return {
    sim,
    stripeSim,
    runtime,
    testDb,
    adminChatId: group.chatId,
    ownerId: owner.id,
    adminId: admin.id,
    agentId: agent.id,
    outsiderId: outsider.id,
    fanId: fan.id,
    threadId,
    stopRuntime,
    async close() {
      await stopRuntime();
      await sim.close();
      await stripeSim.close();
      await testDb.destroy();
    },
  };
}

type StripeProduct = {
  id: string;
  object: string;
  name: string;
  active: boolean;
  default_price: string | null;
  metadata: Record<string, string>;
};

describe('/products', () => {
  let env: ProductsEnv;
  beforeAll(async () => {
    env = await startProductsEnv();
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  const stripeProducts = () => env.stripeSim.control.list<StripeProduct>('product');
  const auditActions = async () =>
    ((await env.testDb.db('audit_log').orderBy('id').select('action')) as { action: string }[])
      .map((r) => r.action)
      .filter((a) => a.startsWith('products:'));
  const productRow = (label: string) =>
    env.testDb.db('products').where('label', label).first() as Promise<
      | { id: number; active: unknown; stripe_product_id: string; stripe_price_id: string }
      | undefined
    >;

  const answered = new Set<number>();

  /**
   * Waits for a new force-reply prompt starting with `start` (or, `again`, the one answered
   * last: a refused answer keeps it open) and answers it with `text`.
   */
  async function answerPrompt(
    userId: number,
    start: string,
    text: string,
    again = false,
  ): Promise<void> {
    const prompt = await env.sim.control.waitFor(
      () =>
        botMessagesInTopic(env)
          .filter((m) => m.text?.startsWith(start) && answered.has(m.messageId) === again)
          .at(-1),
      15_000,
      `the prompt ${start}`,
    );
    answered.add(prompt.messageId);
    env.sim.control.adminSendsInTopic(userId, env.adminChatId, env.threadId, text, {
      replyTo: prompt.messageId,
    });
  }

  /** The bot's next message in the topic (after `before` of them) that matches. */
  function nextBotMessage(before: number, match: (m: MessageView) => boolean, what: string) {
    return env.sim.control.waitFor(
      () => botMessagesInTopic(env).slice(before).find(match),
      15_000,
      what,
    );
  }

  /** The fan presses Start: the labels of the shop's buy buttons, in the order shown. */
  async function fanShop(): Promise<string[]> {
    const fan = env.fanId;
    const count = () => env.sim.control.messages(fan).length;
    let before = count();
    env.sim.control.fanSendsText(fan, '/start');
    const welcome = await env.sim.control.waitFor(
      () =>
        env.sim.control
          .messages(fan)
          .slice(before)
          .find((m) => m.buttons.flat().some((b) => b.callbackData === START_CALLBACK)),
      15_000,
      'the welcome',
    );
    before = count();
    env.sim.control.pressButton(fan, fan, welcome.messageId, START_CALLBACK);
    const list = await env.sim.control.waitFor(
      () =>
        env.sim.control
          .messages(fan)
          .slice(before)
          .find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('buy:'))),
      15_000,
      'the product list',
    );
    return list.buttons.flat().map((b) => b.text);
  }

  /** The fan sends `text` and gets the bot's next answer. */
  async function fanSends(text: string): Promise<MessageView> {
    const before = env.sim.control.messages(env.fanId).length;
    env.sim.control.fanSendsText(env.fanId, text);
    return env.sim.control.waitFor(
      () =>
        env.sim.control
          .messages(env.fanId)
          .slice(before)
          .find((m) => m.fromBot),
      15_000,
      `the answer to ${text}`,
    );
  }

  it('shows the shop as fans see it (label, amount, price, sales, /buy<N>) in the admins’ menu', async () => {
    const menu = await command(env, env.ownerId, '/products');
    expect(menu.threadId).toBe(env.threadId);
    expect(menu.text).toMatch(/^🛍 Products — the shop as fans see it/);
    expect(menu.text).toContain('1. 10 credits\n    10 credits · $5.00 · 0 sales · /buy10');
    expect(menu.buttons.flat().map((b) => b.text)).toEqual([
      '1. 10 credits — $5.00',
      '➕ New product',
      '🗄 Archived (0)',
    ]);
    const published = env.sim.control
      .calls({ method: 'setMyCommands' })
      .map((c) => c.params as { scope?: { type: string }; commands: { command: string }[] })
      .find((p) => p.scope?.type === 'chat_administrators');
    expect(published?.commands.map((c) => c.command)).toContain('products');
  });

  it('refuses people outside the team: a command shows no data, a press changes nothing', async () => {
    const refusal = await command(env, env.outsiderId, '/products');
    expect(refusal.text).toMatch(/^⛔/);
    expect(refusal.text).not.toContain('10 credits');
    expect(refusal.buttons).toEqual([]);

    const menu = await command(env, env.ownerId, '/products');
    press(env, env.ownerId, menu, '1. 10 credits');
    const card = await until(env, menu, /In the shop, place 1 of 1/);
    const query = press(env, env.agentId, card, '📦 Archive');
    expect((await answerOf(env, query)).text).toMatch(/^⛔/);
    expect(current(env.sim, menu).text).toContain('In the shop');
    expect((await productRow('10 credits'))?.active).toBeTruthy();
    expect(stripeProducts().every((p) => p.active)).toBe(true);
    expect(await auditActions()).toEqual([]);
  });

  it('a bad amount or price is refused with the catalog’s reason; nothing is created', async () => {
    const menu = await command(env, env.adminId, '/products');
    const postsBefore = env.stripeSim.control.requests().filter((r) => r.method === 'POST').length;
    press(env, env.adminId, menu, '➕ New product');
    await until(env, menu, /New product — step 1 of 4/);
    await answerPrompt(env.adminId, '🏷', 'Broken pack');
    await until(env, menu, /step 2 of 4/);
    press(env, env.adminId, menu, '💬 Message credits');
    await until(env, menu, /step 3 of 4/);

    let before = botMessagesInTopic(env).length;
    await answerPrompt(env.adminId, '🔢', '-5');
    const badAmount = await nextBotMessage(before, (m) => !!m.text?.startsWith('❌'), 'refusal');
    expect(badAmount.text).toContain('amount must be a whole number of credits, like 10');
    before = botMessagesInTopic(env).length;
    await answerPrompt(env.adminId, '🔢', '0', true);
    const zero = await nextBotMessage(before, (m) => !!m.text?.startsWith('❌'), 'refusal');
    expect(zero.text).toContain('• amount must be positive');
    await answerPrompt(env.adminId, '🔢', '7', true);
    await until(env, menu, /step 4 of 4/);

    press(env, env.adminId, menu, '✏️ Price');
    before = botMessagesInTopic(env).length;
    await answerPrompt(env.adminId, '💰', '5.001');
    const badPrice = await nextBotMessage(before, (m) => !!m.text?.startsWith('❌'), 'refusal');
    expect(badPrice.text).toContain(
      'price "5.001" has more decimals than USD allows (USD has 2 decimals)',
    );
    expect(current(env.sim, menu).text).toMatch(/step 4 of 4/);
    const posts = env.stripeSim.control.requests().filter((r) => r.method === 'POST').length;
    expect(posts).toBe(postsBefore);
    expect(await productRow('Broken pack')).toBeUndefined();
    expect(await auditActions()).toEqual([]);
  });

  it('a product created from /products is on Stripe with premiumbot metadata and in the fan’s shop', async () => {
    expect(await fanShop()).toEqual(['10 credits — $5.00']);
    const menu = await command(env, env.adminId, '/products');
    press(env, env.adminId, menu, '➕ New product');
    // A label with markup characters stays plain text everywhere.
    await answerPrompt(env.adminId, '🏷', '25 credits <b>*deal*</b>');
    await until(env, menu, /step 2 of 4/);
    press(env, env.adminId, menu, '💬 Message credits');
    await answerPrompt(env.adminId, '🔢', '25');
    await until(env, menu, /step 4 of 4/);
    press(env, env.adminId, menu, '✏️ Price');
    await answerPrompt(env.adminId, '💰', '9.50');
    const check = await until(env, menu, /check and create/);
    expect(check.text).toContain('Label: 25 credits <b>*deal*</b>');
    expect(check.text).toContain('Price: $9.50');
    expect(check.text).toContain('Quick buy: /buy25');
    expect(await productRow('25 credits <b>*deal*</b>')).toBeUndefined();

    const query = press(env, env.adminId, menu, '✅ Create');
    expect((await answerOf(env, query)).text).toBe('✅ Created — in the shop now at $9.50');
    const card = await until(env, menu, /In the shop, place 2 of 2/);
    expect(card.text).toContain('Gives: 25 credits (message credits)');
    expect(card.text).toContain('Quick buy: /buy25');

    // On Stripe: one active product with premiumbot metadata (and this install's id), its price.
    const installId = (await env.testDb.db('bot_state').where('key', 'install_id').first()) as {
      value: string;
    };
    const created = stripeProducts().filter((p) => p.name === '25 credits <b>*deal*</b>');
    expect(created).toHaveLength(1);
    expect(created[0]!.active).toBe(true);
    expect(created[0]!.metadata).toEqual({
      premiumbot_type: 'credits',
      premiumbot_amount: '25',
      premiumbot_install: installId.value,
    });
    const price = env.stripeSim.control
      .list<{ id: string; object: string; unit_amount: number; currency: string; active: boolean }>(
        'price',
      )
      .find((p) => p.id === created[0]!.default_price);
    expect(price).toMatchObject({ unit_amount: 950, currency: 'usd', active: true });
    const row = await productRow('25 credits <b>*deal*</b>');
    expect(row).toMatchObject({ stripe_product_id: created[0]!.id, stripe_price_id: price!.id });
    expect(await auditActions()).toEqual(['products:create']);

    // In the fan's shop at once: the Start list, and /buy25 leads to a payment that grants 25.
    expect(await fanShop()).toEqual(['10 credits — $5.00', '25 credits <b>*deal*</b> — $9.50']);
    const offer = await fanSends('/buy25');
    const url = offer.buttons.flat().find((b) => b.url)?.url ?? '';
    env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await env.stripeSim.control.waitForDeliveries(30_000);
    await eventually(
      async () => {
        const fan = (await env.testDb.db('users').where('id', env.fanId).first()) as {
          message_credits: number;
        };
        return fan?.message_credits === 25;
      },
      15_000,
      'the 25 credits',
    );
    const again = await command(env, env.adminId, '/products');
    expect(again.text).toContain('25 credits · $9.50 · 1 sale · /buy25');
  });

  it('a double tap on Archive acts once; the product leaves the shop; Restore brings it back', async () => {
    const menu = await command(env, env.ownerId, '/products');
    press(env, env.ownerId, menu, '2. 25 credits');
    await until(env, menu, /In the shop, place 2 of 2/);
    const archives = () =>
      env.stripeSim.control
        .requests()
        .filter((r) => r.method === 'POST' && /^\/v1\/products\/prod_/.test(r.path))
        .filter((r) => r.params.active === 'false').length;
    const first = press(env, env.ownerId, menu, '📦 Archive');
    const second = press(env, env.ownerId, menu, '📦 Archive');
    const toasts = [(await answerOf(env, first)).text, (await answerOf(env, second)).text];
    expect(toasts).toContain('📦 Archived — no longer in the shop');
    expect(toasts).toContain('This menu has moved on — use the buttons it shows now.');
    await until(env, menu, /🗄 Archived/);
    expect(archives()).toBe(1);
    expect(await auditActions()).toEqual(['products:create', 'products:archive']);
    const row = await productRow('25 credits <b>*deal*</b>');
    expect(row?.active).toBeFalsy();
    expect(stripeProducts().find((p) => p.id === row!.stripe_product_id)?.active).toBe(false);

    expect(await fanShop()).toEqual(['10 credits — $5.00']);
    expect((await fanSends('/buy25')).text).toContain('There is no package of 25 credits');

    press(env, env.ownerId, menu, '♻️ Restore to the shop');
    await until(env, menu, /In the shop, place 2 of 2/);
    expect(stripeProducts().find((p) => p.id === row!.stripe_product_id)?.active).toBe(true);
    expect(await fanShop()).toEqual(['10 credits — $5.00', '25 credits <b>*deal*</b> — $9.50']);
    expect((await auditActions()).at(-1)).toBe('products:restore');
  });

  it('reordering changes the order fans see', async () => {
    const menu = await command(env, env.adminId, '/products 1');
    expect(menu.text).toContain('In the shop, place 1 of 2');
    press(env, env.adminId, menu, '⬇️ Move down');
    await until(env, menu, /place 2 of 2/);
    expect(await fanShop()).toEqual(['25 credits <b>*deal*</b> — $9.50', '10 credits — $5.00']);
    expect((await auditActions()).at(-1)).toBe('products:reorder');
  });

  it('a Stripe failure creates nothing; pressing Create again converges on one product', async () => {
    const menu = await command(env, env.ownerId, '/products');
    press(env, env.ownerId, menu, '➕ New product');
    await answerPrompt(env.ownerId, '🏷', 'Day pass');
    await until(env, menu, /step 2 of 4/);
    press(env, env.ownerId, menu, '⏱ Pass time');
    await answerPrompt(env.ownerId, '⏱', '1d');
    await until(env, menu, /Amount: 1 day/);
    press(env, env.ownerId, menu, '✏️ Price');
    await answerPrompt(env.ownerId, '💰', '20');
    await until(env, menu, /check and create/);

    // Stripe creates the product but every answer is lost (the client's retries too).
    env.stripeSim.control.injectFault({
      path: '/v1/products',
      method: 'POST',
      kind: 'response_lost',
      times: 3,
    });
    const failed = press(env, env.ownerId, menu, '✅ Create');
    expect((await answerOf(env, failed)).text).toMatch(
      /^Not created: Stripe: create product failed/,
    );
    const shown = await until(env, menu, /⚠️ Stripe: create product failed/);
    expect(shown.buttons.flat().map((b) => b.text)).toContain('✅ Create');
    expect(await productRow('Day pass')).toBeUndefined();
    // What Stripe made is archived: neither the shop nor a sync offers it.
    expect(
      stripeProducts()
        .filter((p) => p.name === 'Day pass')
        .map((p) => p.active),
    ).toEqual([false]);

    const retried = press(env, env.ownerId, menu, '✅ Create');
    expect((await answerOf(env, retried)).text).toBe('✅ Created — in the shop now at $20.00');
    await until(env, menu, /In the shop, place 3 of 3/);
    const dayPass = stripeProducts().filter((p) => p.name === 'Day pass');
    expect(
      dayPass.map((p) => [p.active, p.metadata.premiumbot_type, p.metadata.premiumbot_amount]),
    ).toEqual([[true, 'time', '86400']]);
    expect(await productRow('Day pass')).toMatchObject({ stripe_product_id: dayPass[0]!.id });
    expect(await fanShop()).toContain('Day pass — $20.00');
  });
});
