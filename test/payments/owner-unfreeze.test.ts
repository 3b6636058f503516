/**
 * An owner unfreezes a fan frozen by a dispute from Telegram: the alert says how, the fan
 * card offers 🧊 Unfreeze to owners only, and the fan can write again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeObject } from '../../src/sandbox/stripe/index.js';
import { buyTenCredits, startBotEnv, type BotEnv } from './bot-env.js';
import { isFanCard } from '../adapters/telegram/harness.js';
import { fanState } from './helpers.js';

describe('owner unfreeze (Telegram + Stripe simulators)', () => {
  let env: BotEnv;
  let tg: BotEnv['tg'];
  let stripeSim: BotEnv['stripeSim'];
  let testDb: BotEnv['testDb'];
  let adminChatId: BotEnv['adminChatId'];
  let ownerId: BotEnv['ownerId'];
  let adminId: BotEnv['adminId'];
  beforeAll(async () => {
    env = await startBotEnv('unfreeze');
    ({ tg, stripeSim, testDb, adminChatId, ownerId, adminId } = env);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the dispute alert says how; only an owner can tap 🧊 Unfreeze; the fan writes again', async () => {
    tg.control.fanSendsText(ownerId, '/start');
    const fan = tg.control.createUser({ first_name: 'Dee' });
    await buyTenCredits(env, fan.id);
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
      () => tg.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard),
      10_000,
      'card',
    );
    // 👤 User info refreshes the card: a frozen fan's card offers 🧊 Unfreeze.
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
