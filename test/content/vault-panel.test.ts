/**
 * The /vault screen (issue 18) through the Telegram simulator, on SQLite and Postgres: the
 * vault a page at a time with each item's sales and revenue, an item's card, its price and
 * title edited through the panel's prompts (a bad price refused, nothing changed), archived
 * (then `/ppv` refuses it and the list no longer shows it) and restored; every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import {
  answerIn,
  expectNoViolations,
  fanWithTopic,
  lockAlbum,
  ppv,
  startContentEnv,
  type ContentEnv,
} from './env.js';

describe('the /vault screen', () => {
  let env: ContentEnv;
  let threadId: number;
  beforeAll(async () => {
    env = await startContentEnv('vaultpanel');
    threadId = env.tg.control.createTopic(env.adminChatId, 'Panel', { byUserId: env.ownerId });
  });
  afterAll(async () => {
    if (env) expectNoViolations(env);
    await env?.close();
  });

  const inTopic = () =>
    env.tg.control
      .messages(env.adminChatId, { threadId })
      .filter((m) => m.fromBot && m.kind !== 'service');
  const now = (m: MessageView) => env.tg.control.message(m.chatId, m.messageId)!;
  const waitText = (m: MessageView, pattern: RegExp) =>
    env.tg.control.waitFor(
      () => (pattern.test(now(m).text ?? '') ? now(m) : undefined),
      15_000,
      `menu ${pattern}`,
    );
  const press = (m: MessageView, prefix: string) => {
    const button = now(m)
      .buttons.flat()
      .find((b) => b.text.startsWith(prefix));
    if (!button?.callbackData) throw new Error(`no button ${prefix}`);
    return env.tg.control.pressButton(
      env.adminId,
      env.adminChatId,
      m.messageId,
      button.callbackData,
    );
  };
  async function answerPrompt(start: string, text: string): Promise<void> {
    const prompt = await env.tg.control.waitFor(
      () => inTopic().findLast((m) => m.text?.startsWith(start)),
      15_000,
      `the prompt ${start}`,
    );
    env.tg.control.adminSendsInTopic(env.adminId, env.adminChatId, threadId, text, {
      replyTo: prompt.messageId,
    });
  }

  it('lists items with figures; edits price and title; archives and restores', async () => {
    const { id } = await lockAlbum(env, '30 Beach set --usd 5');
    await lockAlbum(env, '10 Other', 2);
    const { fan, threadId: fanThread } = await fanWithTopic(env, 'Ada', 50);
    const teaser = await ppv(env, fanThread, fan.id, `#${id}`);
    env.tg.control.pressButton(fan.id, fan.id, teaser.messageId, `cu:${id}`);
    await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId: fanThread })
          .some((m) => m.text?.includes('unlocked')),
      15_000,
      'the unlock',
    );

    const before = inTopic().length;
    env.tg.control.adminSendsInTopic(env.adminId, env.adminChatId, threadId, '/vault');
    const menu = await env.tg.control.waitFor(
      () =>
        inTopic()
          .slice(before)
          .find((m) => m.text?.startsWith('🔒 Vault')),
      15_000,
      'the vault',
    );
    expect(menu.text).toContain('2 items');
    expect(menu.text).toContain('3 files · 30 credits · $5.00');
    expect(menu.text).toContain('1 sale — 30 credits');

    press(menu, `#${id} `);
    await waitText(menu, /Price: 30 credits · \$5\.00/);
    press(menu, '💲 Price');
    await answerPrompt('The new price', '-3');
    await env.tg.control.waitFor(
      () => inTopic().some((m) => m.text?.startsWith('❌ Not accepted')),
      15_000,
      'the refusal',
    );
    await answerPrompt('The new price', '40 --usd 6.50 --stars 70');
    await waitText(menu, /Price: 40 credits · \$6\.50 · ⭐ 70/);
    press(menu, '✏️ Title');
    await answerPrompt('The new title', 'Beach <b>set</b> 2');
    // The title is the team's text, shown as is (entities, never HTML).
    await waitText(menu, /Beach <b>set<\/b> 2/);

    press(menu, '📦 Archive');
    await waitText(menu, /\(archived\)/);
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, fanThread, `/ppv #${id}`);
    await answerIn(env, fanThread, `Vault item #${id} is archived`);
    press(menu, '⬅️ Back');
    await waitText(menu, /^🔒 Vault — 1 item/);
    press(menu, '🗄 Archived');
    await waitText(menu, /Archived vault items — 1 item/);
    press(menu, `#${id} `);
    await waitText(menu, /\(archived\)/);
    press(menu, '♻️ Restore');
    await env.tg.control.waitFor(
      () => !/\(archived\)/.test(now(menu).text ?? ''),
      15_000,
      'restored',
    );
    // Text-only teaser and protected delivery: the next fan gets a text teaser, then the
    // media protected from forwarding and saving.
    // (A Stars price would send paid media, which Telegram hides itself.)
    press(menu, '💲 Price');
    await answerPrompt('The new price', '40 --usd 6.50');
    await waitText(menu, /Price: 40 credits · \$6\.50\n/);
    press(menu, '🙈 Teaser: text only');
    await waitText(menu, /Teaser: title and price only/);
    press(menu, '🛡 Protect');
    await waitText(menu, /Delivery: protected/);
    const bob = await fanWithTopic(env, 'Bob', 50);
    const text = await ppv(env, bob.threadId, bob.fan.id, `#${id}`);
    expect(text.kind).toBe('text');
    expect(text.text).toContain('Beach <b>set</b> 2');
    env.tg.control.pressButton(bob.fan.id, bob.fan.id, text.messageId, `cu:${id}`);
    const delivery = await env.tg.control.waitFor(
      () =>
        env.tg.control
          .calls({ method: 'sendMediaGroup' })
          .find((c) => c.params.chat_id === bob.fan.id && c.outcome === 'ok'),
      15_000,
      'the protected delivery',
    );
    expect(delivery.params.protect_content).toBe(true);
    const row = (await env.testDb.db('premium_content').where({ id }).first()) as Record<
      string,
      unknown
    >;
    expect(row).toMatchObject({
      title: 'Beach <b>set</b> 2',
      price_credits: 40,
      price_cents: 650,
      price_stars: null,
      protect_content: expect.anything(),
    });
    const audit = await env.testDb.db('audit_log').where({ action: 'vault:edit' });
    expect(audit.length).toBe(7);
  });
});
