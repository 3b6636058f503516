/**
 * Acceptance (issue 20, "spend less per fan"): a fan whose first contact is a payment costs
 * the admin group 2 messages before their first relayed message — the topic and the card —
 * because the sale note of that first purchase is folded into the card ("Latest purchase"),
 * through Stripe Checkout and through Telegram Stars alike. A later sale, once the topic is
 * open, stays a note in the topic's flow (and the card's line follows in its next edit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/sandbox/telegram/index.js';
import { buyTenCredits, startBotEnv, type BotEnv } from '../../payments/bot-env.js';
import { invoiceFromShop, startStarsEnv, type StarsEnv } from '../../payments/stars-env.js';
import { isFanCard, topicTexts } from './harness.js';

type Sim = BotEnv['tg'];

/** Successful calls into the admin group, in order. */
function groupCalls(tg: Sim, adminChatId: number) {
  return tg.control
    .calls()
    .filter((c) => c.params.chat_id === adminChatId && c.outcome === 'ok')
    .filter((c) => !/^(get|answer)/.test(c.method));
}

/** The fan writes; returns their topic once the message was relayed into it. */
async function writesAndCount(tg: Sim, adminChatId: number, fanId: number, name: string) {
  tg.control.fanSendsText(fanId, 'hello after paying');
  const topic = await tg.control.waitFor(
    () => tg.control.topics(adminChatId).find((t) => t.name.startsWith(name)),
    10_000,
    'topic',
  );
  await tg.control.waitFor(
    () => topicTexts(tg, adminChatId, topic.threadId).includes('hello after paying'),
    10_000,
    'relay',
  );
  return { topic };
}

/** Methods of the group calls from `from` up to the first relay. */
function beforeFirstRelay(tg: Sim, adminChatId: number, from: number): string[] {
  const calls = groupCalls(tg, adminChatId).slice(from);
  const firstRelay = calls.findIndex(
    (c) => c.method === 'copyMessage' || c.method === 'copyMessages',
  );
  return calls.slice(0, firstRelay).map((c) => c.method);
}

function card(tg: Sim, adminChatId: number, threadId: number): MessageView | undefined {
  return tg.control.messages(adminChatId, { threadId }).find(isFanCard);
}

describe('a new fan who pays first (Stripe Checkout)', () => {
  let env: BotEnv;
  beforeAll(async () => {
    env = await startBotEnv('payingfan');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('costs 2 group messages before the first relay; the card shows the purchase', async () => {
    const { tg, adminChatId } = env;
    const fan = tg.control.createUser({ first_name: 'Payer' });
    const start = groupCalls(tg, adminChatId).length;
    await buyTenCredits(env, fan.id);
    const topic = await tg.control.waitFor(
      () => tg.control.topics(adminChatId).find((t) => t.name.startsWith('Payer')),
      10_000,
      'topic opened by the payment',
    );
    await tg.control.waitFor(() => card(tg, adminChatId, topic.threadId), 10_000, 'card');
    await writesAndCount(tg, adminChatId, fan.id, 'Payer');
    expect(beforeFirstRelay(tg, adminChatId, start)).toEqual(['createForumTopic', 'sendMessage']);
    const shown = card(tg, adminChatId, topic.threadId)!;
    expect(shown.text).toContain('Latest purchase: 10 credits — $5.00 via checkout');
    // 👤 User info posts a fresh copy of the card: with the purchase too.
    tg.control.pressButton(env.ownerId, adminChatId, shown.messageId, `card:info:${fan.id}`);
    const copy = await tg.control.waitFor(
      () =>
        tg.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.messageId !== shown.messageId && m.text?.startsWith('👤 Payer')),
      10_000,
      'card copy',
    );
    expect(copy.text).toContain('Latest purchase: 10 credits — $5.00 via checkout');
    expect(
      tg.control
        .messages(adminChatId, { threadId: topic.threadId })
        .filter((m) => m.text?.startsWith('💰 Sale')),
    ).toEqual([]);
  });

  it('a second sale, once the topic is open, is a note in the topic', async () => {
    const { tg, adminChatId } = env;
    const fan = tg.control.createUser({ first_name: 'Returning' });
    await buyTenCredits(env, fan.id);
    const { topic } = await writesAndCount(tg, adminChatId, fan.id, 'Returning');
    // A second Checkout: a new link (the first session is complete).
    const links = () =>
      tg.control.messages(fan.id).filter((m) => m.buttons.flat().some((b) => b.url));
    const seen = links().length;
    tg.control.fanSendsText(fan.id, '/buy10');
    const offer = await tg.control.waitFor(() => links()[seen], 10_000, 'second checkout link');
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await env.stripeSim.control.waitForDeliveries(30_000);
    const note = await tg.control.waitFor(
      () =>
        tg.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.text?.startsWith('💰 Sale')),
      10_000,
      'sale note',
    );
    expect(note.text).toContain('Total spent $10.00');
  });
});

describe('a new fan who pays first (Telegram Stars)', () => {
  let env: StarsEnv;
  beforeAll(async () => {
    env = await startStarsEnv({ stripe: false });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('costs 2 group messages before the first relay; the card shows the purchase', async () => {
    const { tg, adminChatId } = env;
    const { control } = tg;
    const fan = control.createUser({ first_name: 'Starry' });
    const start = groupCalls(tg, adminChatId).length;
    const invoice = await invoiceFromShop(env, fan.id);
    const query = control.startPreCheckout(fan.id, { invoiceMessageId: invoice.messageId });
    await control.waitFor(() => control.preCheckoutQuery(query)?.answer, 10_000, 'answer');
    const topic = await control.waitFor(
      () => control.topics(adminChatId).find((t) => t.name.startsWith('Starry')),
      10_000,
      'topic opened by the payment',
    );
    await control.waitFor(() => card(tg, adminChatId, topic.threadId), 10_000, 'card');
    await writesAndCount(tg, adminChatId, fan.id, 'Starry');
    expect(beforeFirstRelay(tg, adminChatId, start)).toEqual(['createForumTopic', 'sendMessage']);
    const shown = card(tg, adminChatId, topic.threadId)!;
    expect(shown.text).toContain('Latest purchase: 10 credits — ⭐ 250 via Telegram Stars');
    expect(
      control
        .messages(adminChatId, { threadId: topic.threadId })
        .filter((m) => m.text?.startsWith('💰 Sale')),
    ).toEqual([]);
  });
});
