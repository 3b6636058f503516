/**
 * Acceptance (issue 5): the fan journey end to end — the real bot and outbox worker against
 * the Telegram simulator, on SQLite or Postgres (TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFanCard, type Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  sleep,
  startFanHarness,
  topicOf,
} from './fan-harness.js';

describe('fan journey (simulator over HTTP)', () => {
  let h: Harness;
  let products: { creditsId: number; passId: number };
  beforeAll(async () => {
    h = await startFanHarness();
    products = await seedProducts(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('/start → Start → products; text, photo and voice reach one topic at 1, 3 and 5 credits; answers flow back', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({
      first_name: 'Jade',
      username: 'jade_fan',
      language_code: 'en',
    });

    sim.control.fanSendsText(fan.id, '/start');
    const welcome = await sim.control.waitFor(
      () =>
        botMessages(sim, fan.id).find((m) =>
          m.buttons.flat().some((b) => b.callbackData === 'fan:start'),
        ),
      10_000,
      'welcome with Start',
    );
    expect(welcome.text).toContain('Jade');
    expect(welcome.buttons.flat()).toHaveLength(1);

    sim.control.pressButton(fan.id, fan.id, welcome.messageId, 'fan:start');
    const list = await sim.control.waitFor(
      () =>
        botMessages(sim, fan.id).find((m) =>
          m.buttons.flat().some((b) => b.callbackData?.startsWith('buy:')),
        ),
      10_000,
      'product list',
    );
    expect(list.buttons.flat().map((b) => b.callbackData)).toEqual([
      `buy:${products.creditsId}`,
      `buy:${products.passId}`,
    ]);
    expect(list.buttons.flat()[0]!.text).toBe('10 credits — $5.00');
    const query = sim.control.pressButton(
      fan.id,
      fan.id,
      list.messageId,
      `buy:${products.creditsId}`,
    );
    await sim.control.waitFor(
      () => sim.control.callbackQuery(query)?.answer,
      10_000,
      'buy answered',
    );
    expect(sim.control.callbackQuery(query)?.answer?.text).toMatch(/not set up yet/);

    await grantCredits(h, fan, 20, 'grant:cs_journey');
    sim.control.fanSendsText(fan.id, 'hello <b>team</b>');
    sim.control.fanSendsPhoto(fan.id, { caption: 'my photo' });
    sim.control.fanSendsVoice(fan.id);

    const topic = await topicOf(sim, adminChatId, 'Jade @jade_fan');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 3,
      15_000,
      'three relays',
    );
    const copies = relayed(sim, adminChatId, topic.threadId);
    expect(copies.map((m) => m.kind)).toEqual(['text', 'photo', 'voice']);
    expect(copies[0]!.text).toBe('hello <b>team</b>');
    expect(copies[1]!.caption).toBe('my photo');
    expect(sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Jade'))).toHaveLength(
      1,
    );

    const ledger = h.runtime.ledger;
    expect((await ledger.balance(fan.id)).credits).toBe(20 - 1 - 3 - 5);
    const spends = (await ledger.history(fan.id))
      .filter((e) => e.kind === 'spend')
      .map((e) => e.creditsDelta);
    expect(spends.sort((a, b) => a - b)).toEqual([-5, -3, -1]);
    expect(await ledger.sumLedger(fan.id)).toMatchObject({ credits: 11 });

    // Compact balance bars (coalesced per burst), the last one showing the final balance.
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text === 'Credits: 11/20 [██████░░░░] 55%'),
      10_000,
      'balance bar',
    );
    expect(
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Credits: ')).length,
    ).toBeLessThanOrEqual(3);

    // The card is the topic's first message (pinned only with relay.pin_card).
    const card = sim.control
      .messages(adminChatId, { threadId: topic.threadId })
      .find((m) => m.kind !== 'service');
    expect(card && isFanCard(card)).toBe(true);
    expect(card?.text).toContain('Jade');
    expect(card?.text).toContain(`id ${fan.id}`);

    // Receipts: 👀 once the messages reached the topic — on the latest of them at least (a
    // burst's earlier messages may share its reaction).
    await sim.control.waitFor(
      () =>
        sim.control
          .messages(fan.id)
          .filter((m) => !m.fromBot)
          .at(-1)
          ?.reactions.some((r) => r.reaction.type === 'emoji' && r.reaction.emoji === '👀') ===
        true,
      10_000,
      'delivered receipts',
    );

    sim.control.adminSendsInTopic(
      h.ownerId,
      adminChatId,
      topic.threadId,
      '#note VIP vibes, be nice',
    );
    sim.control.adminSendsInTopic(h.ownerId, adminChatId, topic.threadId, '/internal command');
    sim.control.adminSendsInTopic(h.ownerId, adminChatId, topic.threadId, 'Hi Jade, thanks!');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text === 'Hi Jade, thanks!'),
      10_000,
      'team answer',
    );
    // 👍 on the fan's latest message once the answer reached them.
    const lastFanMessage = sim.control
      .messages(fan.id)
      .filter((m) => !m.fromBot)
      .at(-1)!;
    await sim.control.waitFor(
      () =>
        sim.control
          .message(fan.id, lastFanMessage.messageId)
          ?.reactions.some((r) => r.reaction.type === 'emoji' && r.reaction.emoji === '👍'),
      10_000,
      'answered receipt',
    );
    expect(sim.control.chat(fan.id).lastAction?.action).toBe('typing');
    await sleep(200);
    const texts = botMessages(sim, fan.id).map((m) => m.text ?? '');
    expect(texts.some((t) => t.includes('VIP vibes'))).toBe(false);
    expect(texts.some((t) => t.includes('/internal'))).toBe(false);
    expect((await ledger.balance(fan.id)).credits).toBe(11);
    expect(sim.control.violations()).toEqual([]);
  });
});
