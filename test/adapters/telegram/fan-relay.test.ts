/**
 * Acceptance (issue 5): topics under racing first messages, credits under concurrency,
 * literal fan names, the low-balance alert, albums, edits and the card's quick actions —
 * the real bot and outbox worker against the simulator, on SQLite or Postgres.
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

describe('fan relay (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ tuning: { concurrency: 16 } });
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('10 fans × 5 first messages at once → exactly 10 topics, 50 relays, per-fan order', async () => {
    const { sim, adminChatId } = h;
    const fans = Array.from({ length: 10 }, (_, i) =>
      sim.control.createUser({ first_name: `Racer${i}` }),
    );
    for (const fan of fans) await grantCredits(h, fan, 10, `grant:race_${fan.id}`);
    for (let m = 0; m < 5; m++) {
      for (const [i, fan] of fans.entries())
        sim.control.fanSendsText(fan.id, `racer ${i} msg ${m}`);
    }
    const total = () =>
      sim.control
        .topics(adminChatId)
        .filter((t) => t.name.startsWith('Racer'))
        .reduce((n, t) => n + relayed(sim, adminChatId, t.threadId).length, 0);
    await sim.control.waitFor(() => total() >= 50, 60_000, '50 relays');
    await sleep(300);
    const topics = sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Racer'));
    expect(topics).toHaveLength(10);
    expect(total()).toBe(50);
    for (const [i, fan] of fans.entries()) {
      const topic = topics.find((t) => t.name === fan.first_name)!;
      expect(relayed(sim, adminChatId, topic.threadId).map((m) => m.text)).toEqual(
        Array.from({ length: 5 }, (_, m) => `racer ${i} msg ${m}`),
      );
      // One card each (pinned only with relay.pin_card).
      const cards = sim.control
        .messages(adminChatId, { threadId: topic.threadId })
        .filter(isFanCard);
      expect(cards).toHaveLength(1);
    }
    const rows = await h.testDb.db('conversations').whereIn(
      'user_id',
      fans.map((f) => f.id),
    );
    expect(rows).toHaveLength(10);
  });

  it('5 credits vs 20 texts at once → exactly 5 relayed, balance 0, one buy prompt for the rest', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Spender' });
    await grantCredits(h, fan, 5, 'grant:cs_spender');
    for (let i = 0; i < 20; i++) sim.control.fanSendsText(fan.id, `spend ${i}`);
    const prompts = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Not enough credits'));
    await sim.control.waitFor(() => prompts().length === 1, 30_000, 'the buy prompt');
    const topic = await topicOf(sim, adminChatId, 'Spender');
    // The fan's own texts (the topic may also get the team's "tried to write" line).
    const spends = () =>
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text?.startsWith('spend '));
    await sim.control.waitFor(() => spends().length === 5, 15_000, '5 relays');
    await sleep(300);
    expect(spends().map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `spend ${i}`));
    expect(prompts()[0]!.text).toContain('you have 0, so you need 1 more');
    expect(
      prompts()[0]!
        .buttons.flat()
        .some((b) => b.callbackData?.startsWith('buy:')),
    ).toBe(true);
    const ledger = h.runtime.ledger;
    expect((await ledger.balance(fan.id)).credits).toBe(0);
    expect(await ledger.sumLedger(fan.id)).toMatchObject({ credits: 0 });
  });

  it('a fan named <b>_*[x](y) appears literally in the topic title, the card and the welcome', async () => {
    const { sim, adminChatId } = h;
    const name = '<b>_*[x](y)';
    const fan = sim.control.createUser({ first_name: name });
    sim.control.fanSendsText(fan.id, '/start');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.includes(name)),
      10_000,
      'welcome',
    );
    await grantCredits(h, fan, 3, 'grant:cs_markup');
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, name);
    expect(topic.name).toBe(name);
    const card = await sim.control.waitFor(
      () => sim.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard),
      10_000,
      'card',
    );
    expect(card.text!.split('\n')[0]).toBe(`👤 ${name}`);
    expect(
      card.entities.some(
        (e) => e.type === 'bold' && card.text!.substr(e.offset, e.length) === name,
      ),
    ).toBe(true);
  });

  it('the low-balance alert appears when crossing the threshold, not on every message after', async () => {
    const { sim, adminChatId } = h;
    await h.runtime.settings.set('low_balance.threshold', 5);
    const fan = sim.control.createUser({ first_name: 'Lowry' });
    await grantCredits(h, fan, 8, 'grant:cs_lowry');
    for (let i = 0; i < 6; i++) sim.control.fanSendsText(fan.id, `low ${i}`);
    const topic = await topicOf(sim, adminChatId, 'Lowry');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 6,
      15_000,
      '6 relays',
    );
    const alerts = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('⚠️ Low Balance Alert!'));
    await sim.control.waitFor(() => alerts().length === 1, 10_000, 'alert');
    await sleep(300);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]!.text).toContain('Credits: 5/8');
    expect(alerts()[0]!.buttons.flat()[0]!.callbackData).toMatch(/^buy:\d+$/);
    // A top-up and a new crossing alert again.
    await grantCredits(h, fan, 10, 'grant:cs_lowry_2');
    for (let i = 0; i < 9; i++) sim.control.fanSendsText(fan.id, `again ${i}`);
    await sim.control.waitFor(() => alerts().length === 2, 15_000, 'second alert');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 15,
      15_000,
      '15 relays',
    );
    await sleep(300);
    expect(alerts()).toHaveLength(2);
  });

  it('keeps albums together and captions, and shows a fan edit in the topic', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Albie' });
    await grantCredits(h, fan, 30, 'grant:cs_albie');
    const first = sim.control.fanSendsText(fan.id, 'before the album');
    sim.control.fanSendsAlbum(fan.id, [
      { kind: 'photo', caption: 'one' },
      { kind: 'photo', caption: 'two' },
      { kind: 'photo', caption: 'three' },
    ]);
    sim.control.fanSendsLocation(fan.id, 48.85, 2.35);
    const topic = await topicOf(sim, adminChatId, 'Albie');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 5,
      15_000,
      '5 relays',
    );
    const copies = relayed(sim, adminChatId, topic.threadId);
    expect(copies.map((m) => m.kind)).toEqual(['text', 'photo', 'photo', 'photo', 'location']);
    expect(copies.slice(1, 4).map((m) => m.caption)).toEqual(['one', 'two', 'three']);
    const groups = new Set(copies.slice(1, 4).map((m) => m.mediaGroupId));
    expect(groups.size).toBe(1);
    expect([...groups][0]).toBeDefined();
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(30 - 1 - 9 - 1);

    // Wait until the link to the first copy is known, then edit.
    await sim.control.waitFor(
      () => sim.control.message(fan.id, first.message_id)?.reactions.length === 1,
      10_000,
      'delivered',
    );
    sim.control.fanEdits(fan.id, first.message_id, 'before the album (edited)');
    const edit = await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).find((m) => m.text?.startsWith('✏️ Edited:')),
      10_000,
      'edit shown',
    );
    expect(edit.text).toBe('✏️ Edited:\nbefore the album (edited)');
    expect(edit.replyToMessageId).toBe(copies[0]!.messageId);
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(19);
  });

  it('a double-tapped gift button gifts once; an amount no longer among the presets is refused', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Tapper' });
    await grantCredits(h, fan, 2, 'grant:cs_tapper');
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Tapper');
    const card = await sim.control.waitFor(
      () => sim.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard),
      10_000,
      'card',
    );
    const giftButtons = () =>
      sim.control
        .message(adminChatId, card.messageId)!
        .buttons.flat()
        .flatMap((b) => (b.callbackData?.startsWith(`card:gift:${fan.id}:`) ? [b] : []));
    const openMenu = async () => {
      sim.control.pressButton(h.ownerId, adminChatId, card.messageId, `card:giftmenu:${fan.id}`);
      return sim.control.waitFor(
        () => (giftButtons().length > 0 ? giftButtons() : undefined),
        10_000,
        'gift menu',
      );
    };
    const ten = (await openMenu()).find((b) => b.text.includes('10'))!.callbackData!;
    // Two taps before the bot had a chance to answer the first one.
    const taps = [1, 2].map(() =>
      sim.control.pressButton(h.ownerId, adminChatId, card.messageId, ten),
    );
    for (const id of taps) {
      await sim.control.waitFor(() => sim.control.callbackQuery(id)?.answer, 10_000, 'answer');
    }
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.includes('10 free credits')),
      10_000,
      'gift notice',
    );
    const ledger = h.runtime.ledger;
    expect(
      (await ledger.history(fan.id)).filter((e) => e.kind === 'gift').map((e) => e.creditsDelta),
    ).toEqual([10]);
    expect(botMessages(sim, fan.id).filter((m) => m.text?.includes('free credits'))).toHaveLength(
      1,
    );

    // A menu opened before the presets changed: its 50 is no longer a preset.
    const fifty = (await openMenu()).find((b) => b.text.includes('50'))!.callbackData!;
    await h.runtime.settings.set('gift.presets', [5, 20]);
    const refused = sim.control.pressButton(h.ownerId, adminChatId, card.messageId, fifty);
    await sim.control.waitFor(() => sim.control.callbackQuery(refused)?.answer, 10_000, 'answer');
    expect(sim.control.callbackQuery(refused)!.answer?.text).toBe(
      'That amount is no longer offered. Pick one of the current amounts.',
    );
    expect((await ledger.balance(fan.id)).credits).toBe(11);
    await h.runtime.settings.reset('gift.presets');
  });

  it('card quick actions: gift credits through the ledger, ban and unban', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Carda' });
    await grantCredits(h, fan, 2, 'grant:cs_carda');
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Carda');
    const card = await sim.control.waitFor(
      () => sim.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard),
      10_000,
      'card',
    );
    const data = (m: { buttons: { callbackData?: string }[][] }) =>
      m.buttons.flat().map((b) => b.callbackData);
    expect(data(card)).toEqual([
      `card:info:${fan.id}`,
      `card:giftmenu:${fan.id}`,
      `card:ban:${fan.id}`,
    ]);

    sim.control.pressButton(h.ownerId, adminChatId, card.messageId, `card:giftmenu:${fan.id}`);
    await sim.control.waitFor(
      () =>
        data(sim.control.message(adminChatId, card.messageId)!).some((d) =>
          d?.startsWith(`card:gift:${fan.id}:10`),
        ),
      10_000,
      'gift menu',
    );
    const gift10 = data(sim.control.message(adminChatId, card.messageId)!).find((d) =>
      d?.startsWith(`card:gift:${fan.id}:10`),
    )!;
    sim.control.pressButton(h.ownerId, adminChatId, card.messageId, gift10);
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.includes('10 free credits')),
      10_000,
      'gift notice',
    );
    const ledger = h.runtime.ledger;
    expect((await ledger.balance(fan.id)).credits).toBe(11);
    expect(
      (await ledger.history(fan.id)).filter((e) => e.kind === 'gift').map((e) => e.creditsDelta),
    ).toEqual([10]);
    await sim.control.waitFor(
      () => sim.control.message(adminChatId, card.messageId)!.text!.includes('11 credits'),
      10_000,
      'card updated',
    );

    sim.control.pressButton(h.ownerId, adminChatId, card.messageId, `card:ban:${fan.id}`);
    await sim.control.waitFor(
      () =>
        data(sim.control.message(adminChatId, card.messageId)!).includes(`card:unban:${fan.id}`),
      10_000,
      'unban button',
    );
    sim.control.fanSendsText(fan.id, 'am I banned?');
    await sim.control.waitFor(
      () =>
        botMessages(sim, fan.id).some(
          (m) => m.text === 'Sorry, you can no longer send messages here.',
        ),
      10_000,
      'refusal',
    );
    expect(relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'am I banned?')).toBe(
      false,
    );
    expect((await ledger.balance(fan.id)).credits).toBe(11);

    sim.control.pressButton(h.ownerId, adminChatId, card.messageId, `card:unban:${fan.id}`);
    await sim.control.waitFor(
      () => data(sim.control.message(adminChatId, card.messageId)!).includes(`card:ban:${fan.id}`),
      10_000,
      'ban button back',
    );
    sim.control.fanSendsText(fan.id, 'back again');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'back again'),
      10_000,
      'relayed after unban',
    );
  });
});
