/**
 * The sandbox page shows what the bot sends without knowing the feature: a Stars invoice
 * (Pay → pre-checkout), a locked post (paid media: blurred until Unlock, then shown), a topic
 * with a custom emoji icon, inline buttons and their answers, the Stripe clock. The bot's calls
 * are made straight on the simulator (no premiumbot), so this runs in seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeSimulator, type StripeSimulator } from '../../src/sandbox/stripe/index.js';
import {
  createTelegramSimulator,
  DEFAULT_BOT_TOKEN,
  type TelegramSimulator,
} from '../../src/sandbox/telegram/index.js';
import { startSandboxUi, type SandboxUi } from '../../src/sandbox/ui/server.js';
import { repoRoot } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the sandbox page renders what the bot sends, generically', () => {
  let telegram: TelegramSimulator;
  let stripe: StripeSimulator;
  let ui: SandboxUi;
  let browser: Browser;
  let page: Page;
  let fanId: number;
  let chatId: number;

  const call = async (method: string, params: Record<string, unknown>) => {
    const outcome = await telegram.callApi(method, params);
    if (outcome.kind !== 'ok') throw new Error(`${method}: ${JSON.stringify(outcome)}`);
    return outcome.result as { message_id: number; message_thread_id?: number };
  };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`,
      );
    }
    telegram = createTelegramSimulator();
    stripe = createStripeSimulator();
    await telegram.listen();
    await stripe.listen();
    const owner = telegram.control.createUser({ first_name: 'Creator' });
    const agent = telegram.control.createUser({ first_name: 'Agent' });
    const member = telegram.control.createUser({ first_name: 'Member' });
    const group = telegram.control.createForumGroup({
      title: 'team',
      ownerId: owner.id,
      admins: [agent.id],
      members: [member.id],
    });
    chatId = group.chatId;
    fanId = telegram.control.createUser({ first_name: 'Ana' }).id;
    ui = await startSandboxUi({
      telegramApiRoot: telegram.apiRoot,
      stripeApiBase: stripe.apiBase,
      botToken: DEFAULT_BOT_TOKEN,
      adminChatId: chatId,
      ownerId: owner.id,
      agentId: agent.id,
      memberId: member.id,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(ui.url);
    await page.locator('#status', { hasText: 'Live' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await telegram?.close();
    await stripe?.close();
  });

  it('invoices, locked posts, topic icons, buttons and the clock', async () => {
    await page.getByLabel('Fan', { exact: true }).selectOption({ label: `Ana (${fanId})` });
    await page.getByRole('button', { name: 'Start', exact: true }).click();

    // The fan's sample photo, then the bot's locked post of it and a Stars invoice.
    await page.getByRole('button', { name: 'Send the sample photo “sea”' }).click();
    await expect.poll(() => telegram.control.messages(fanId).length).toBe(2);
    const photo = telegram.control.messages(fanId)[1]!;
    await call('sendPaidMedia', {
      chat_id: fanId,
      star_count: 25,
      media: JSON.stringify([{ type: 'photo', media: photo.media!.fileId }]),
      payload: 'item-7',
      caption: 'A new set 🔒',
    });
    await call('sendInvoice', {
      chat_id: fanId,
      title: '10 credits',
      description: 'Ten messages',
      payload: 'pay-1',
      currency: 'XTR',
      prices: JSON.stringify([{ label: '10 credits', amount: 50 }]),
    });
    await call('sendMessage', {
      chat_id: fanId,
      text: 'Pick one',
      reply_markup: JSON.stringify({
        inline_keyboard: [[{ text: 'Tap me', callback_data: 'tap' }]],
      }),
    });
    const chat = page.locator('#fan-chat');
    await chat.getByText('A new set 🔒').waitFor();
    await chat.locator('.paid-media .media.spoiler img').waitFor();

    // Pay ⭐ 50 opens the payment (pre_checkout_query to the bot).
    await chat.getByRole('button', { name: 'Pay ⭐ 50' }).click();
    await expect
      .poll(() => telegram.control.updates().some((u) => 'pre_checkout_query' in u.update))
      .toBe(true);

    // Unlock: a Stars payment, then the photo shows unblurred and the strip lists it.
    await chat.getByRole('button', { name: 'Unlock for ⭐ 25' }).click();
    await chat.locator('.paid-media .media:not(.spoiler) img').waitFor();
    expect(await chat.getByRole('button', { name: /Unlock/ }).count()).toBe(0);
    await page.locator('#stars', { hasText: 'Stars ⭐ 25' }).waitFor();
    expect(telegram.control.payments()).toMatchObject([
      { userId: fanId, totalAmount: 25, kind: 'paid_media_payment' },
    ]);

    // An inline button: the press reaches the bot; its answer shows as a notice.
    await chat.getByRole('button', { name: 'Tap me' }).click();
    const pressed = () =>
      telegram.control
        .updates()
        .map((u) => u.update.callback_query as { id: string } | undefined)
        .find(Boolean);
    await expect.poll(pressed).toBeDefined();
    const query = pressed();
    expect(query).toBeDefined();
    await call('answerCallbackQuery', { callback_query_id: query!.id, text: 'Done!' });
    await page.locator('#toast', { hasText: 'Done!' }).waitFor();

    // A topic with a custom emoji icon shows with its title.
    await call('createForumTopic', {
      chat_id: chatId,
      name: 'Ana',
      icon_custom_emoji_id: '5312536423851630001',
    });
    const topic = page.getByRole('navigation', { name: 'Topics' }).getByRole('button', {
      name: /Ana/,
    });
    await topic.waitFor();
    expect(await topic.locator('.icon').textContent()).toBe('★');

    // Its pinned card shows above its messages, with its buttons.
    const threadId = telegram.control.topics(chatId).at(-1)!.threadId;
    const card = await call('sendMessage', {
      chat_id: chatId,
      message_thread_id: threadId,
      text: '👤 Ana\nBalance: 10 credits',
      reply_markup: JSON.stringify({
        inline_keyboard: [[{ text: '👤 User info', callback_data: 'card:info' }]],
      }),
    });
    await call('pinChatMessage', { chat_id: chatId, message_id: card.message_id });
    await topic.click();
    const pinned = page.locator('#topic-pinned', { hasText: 'Balance: 10 credits' });
    await pinned.getByRole('button', { name: '👤 User info' }).waitFor();

    // The clock: +1 day moves the Stripe simulator's time.
    const before = stripe.control.clock.now();
    const shown = await page.locator('#clock-now').textContent();
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect.poll(() => stripe.control.clock.now() - before).toBeGreaterThanOrEqual(86_400);
    await expect.poll(() => page.locator('#clock-now').textContent()).not.toBe(shown);
    await page.screenshot({
      path: path.join(repoRoot, 'docs/screenshots/11-stars-locked-post.png'),
    });
    expect(telegram.control.violations()).toEqual([]);
  });
});
