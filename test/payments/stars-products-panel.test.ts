/**
 * `/products` sets a product's Telegram Stars price: the card shows it, the owner taps
 * "⭐ Stars price" and answers the prompt; the price lands on the Stripe product's
 * `premiumbot_stars` metadata (so a later pull keeps it) and in the fans' shop at once; a
 * bad value is refused with the catalog's reason and changes nothing; 0 removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { openShop, startStarsEnv, type StarsEnv } from './stars-env.js';

describe('/products: the Stars price', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: true });
  });
  afterAll(async () => {
    await env?.close();
  });

  const topic = () =>
    env.tg.control
      .messages(env.adminChatId, { threadId: env.panelThreadId })
      .filter((m) => m.fromBot && m.kind !== 'service');

  /** The owner replies `text` to the newest prompt starting with `start`. */
  async function answerPrompt(start: string, text: string, skip: number): Promise<void> {
    const prompt = await env.tg.control.waitFor(
      () =>
        topic()
          .slice(skip)
          .find((m) => m.text?.startsWith(start)),
      10_000,
      `prompt ${start}`,
    );
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panelThreadId, text, {
      replyTo: prompt.messageId,
    });
  }

  function cardShows(card: MessageView, text: string): Promise<MessageView> {
    return env.tg.control.waitFor(
      () => {
        const now = env.tg.control.message(card.chatId, card.messageId);
        return now?.text?.includes(text) ? now : undefined;
      },
      10_000,
      `card showing ${text}`,
    );
  }

  function pressStars(card: MessageView): void {
    const now = env.tg.control.message(card.chatId, card.messageId)!;
    const data = now.buttons.flat().find((b) => b.text === '⭐ Stars price')!.callbackData!;
    env.tg.control.pressButton(env.ownerId, env.adminChatId, card.messageId, data);
  }

  it('sets, refuses a bad value, and removes the Stars price; Stripe and the shop follow', async () => {
    const { control } = env.tg;
    control.adminSendsInTopic(
      env.ownerId,
      env.adminChatId,
      env.panelThreadId,
      `/products ${env.productId}`,
    );
    const card = await control.waitFor(
      () => topic().find((m) => m.text?.startsWith('10 credits')),
      10_000,
      'product card',
    );
    await cardShows(card, 'Telegram Stars: ⭐ 250');

    let seen = topic().length;
    pressStars(card);
    await answerPrompt('⭐ The price in Telegram Stars', '20000', seen);
    await control.waitFor(
      () => topic().find((m) => m.text?.includes('the Stars price is unchanged')),
      10_000,
      'refusal',
    );
    expect(await env.db('products').where('id', env.productId).first('stars')).toEqual({
      stars: 250,
    });

    seen = topic().length;
    pressStars(card);
    await answerPrompt('⭐ The price in Telegram Stars', '⭐ 300', seen);
    await cardShows(card, 'Telegram Stars: ⭐ 300');
    const row = (await env.db('products').where('id', env.productId).first()) as {
      stars: number;
      stripe_product_id: string;
    };
    expect(row.stars).toBe(300);
    const stripeProduct = env.stripeSim!.control.get<{
      id: string;
      object: string;
      metadata: Record<string, string>;
    }>(row.stripe_product_id)!;
    expect(stripeProduct.metadata.premiumbot_stars).toBe('300');
    const fan = control.createUser({ first_name: 'Pia' }).id;
    const shop = await openShop(env, fan);
    expect(shop.buttons.flat().map((b) => b.text)).toEqual(['10 credits — $5.00', '⭐ 300']);

    seen = topic().length;
    pressStars(card);
    await answerPrompt('⭐ The price in Telegram Stars', '0', seen);
    await cardShows(card, 'Telegram Stars: not sold for Stars');
    expect(
      env.stripeSim!.control.get<{ id: string; object: string; metadata: Record<string, string> }>(
        row.stripe_product_id,
      )!.metadata.premiumbot_stars ?? '',
    ).toBe('');
    const actions = (await env.db('audit_log').select('action')) as { action: string }[];
    expect(actions.filter((a) => a.action === 'products:stars')).toHaveLength(2);
    expect(control.violations()).toEqual([]);
  });
  it('the new-product flow asks for an optional Stars price; the product is created with it', async () => {
    const { control } = env.tg;
    const press = (menu: MessageView, text: string) => {
      const now = control.message(menu.chatId, menu.messageId)!;
      const data = now.buttons.flat().find((b) => b.text === text)!.callbackData!;
      control.pressButton(env.ownerId, env.adminChatId, menu.messageId, data);
    };
    let seen = topic().length;
    control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panelThreadId, '/products');
    const menu = await control.waitFor(
      () =>
        topic()
          .slice(seen)
          .find((m) => m.buttons.flat().some((b) => b.text === '➕ New product')),
      10_000,
      'the shop menu',
    );
    seen = topic().length;
    press(menu, '➕ New product');
    await answerPrompt('🏷', '1 day chat', seen);
    await cardShows(menu, 'step 2 of 4');
    press(menu, '⏱ Pass time');
    seen = topic().length;
    await answerPrompt('⏱', '1d', seen);
    await cardShows(menu, 'step 4 of 4');
    seen = topic().length;
    press(menu, '✏️ Price…');
    await answerPrompt('💰', '20.00', seen);
    await cardShows(menu, 'Telegram Stars: not sold for Stars (optional)');
    seen = topic().length;
    press(menu, '⭐ Stars price (optional)…');
    await answerPrompt('⭐ The price in Telegram Stars', '1000', seen);
    await cardShows(menu, 'Telegram Stars: ⭐ 1000');
    press(menu, '✅ Create');
    await cardShows(menu, 'Telegram Stars: ⭐ 1,000');
    const row = (await env.db('products').where('label', '1 day chat').first()) as {
      stars: number;
      stripe_product_id: string;
    };
    expect(row.stars).toBe(1000);
    const stripeProduct = env.stripeSim!.control.get<{
      id: string;
      object: string;
      metadata: Record<string, string>;
    }>(row.stripe_product_id)!;
    expect(stripeProduct.metadata.premiumbot_stars).toBe('1000');
    expect(control.violations()).toEqual([]);
  });
});
