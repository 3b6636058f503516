/**
 * Acceptance (issue 20, "spend less per fan"): a visitor costs the admin group nothing, and
 * a new fan costs at most 2 group messages before their first relayed message — the topic
 * (its service message) and the card; the card is pinned only when `relay.pin_card` says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFanCard, startHarness, topicTexts, type Harness } from './harness.js';

describe('what a fan costs the admin group', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Successful calls into the admin group, in order. */
  const groupCalls = () =>
    h.sim.control
      .calls()
      .filter((c) => c.params.chat_id === h.adminChatId && c.outcome === 'ok')
      .filter((c) => !/^(get|answer)/.test(c.method));

  it('/start then block: no topic, no group message', async () => {
    const { sim } = h;
    const before = groupCalls().length;
    const fan = sim.control.createUser({ first_name: 'Visitor' });
    sim.control.fanSendsText(fan.id, '/start');
    await sim.control.waitFor(
      () => sim.control.messages(fan.id).some((m) => m.fromBot),
      10_000,
      'welcome',
    );
    sim.control.blockBot(fan.id);
    const deadline = Date.now() + 10_000;
    while (!(await h.testDb.db('users').where({ id: fan.id }).first())?.is_blocked) {
      if (Date.now() > deadline) throw new Error('the block was not recorded');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Give the worker a few rounds to send anything it wrongly queued.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sim.control.topics(h.adminChatId).filter((t) => t.name.startsWith('Visitor'))).toEqual(
      [],
    );
    expect(groupCalls().slice(before)).toEqual([]);
  });

  it('a new fan: 2 group messages before the first relayed one, the card unpinned by default', async () => {
    const { sim, adminChatId } = h;
    const before = groupCalls().length;
    const fan = sim.control.createUser({ first_name: 'Newbie' });
    sim.control.fanSendsText(fan.id, 'hello team');
    const topic = await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.name.startsWith('Newbie')),
      10_000,
      'topic',
    );
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).includes('hello team'),
      10_000,
      'relay',
    );
    const calls = groupCalls().slice(before);
    const firstRelay = calls.findIndex(
      (c) => c.method === 'copyMessage' || c.method === 'copyMessages',
    );
    expect(calls.slice(0, firstRelay).map((c) => c.method)).toEqual([
      'createForumTopic',
      'sendMessage',
    ]);
    const inTopic = sim.control.messages(adminChatId, { threadId: topic.threadId });
    expect(inTopic.find(isFanCard)?.pinned).toBe(false);
  });

  it('with relay.pin_card on, the card is pinned (3 group messages before the first relay)', async () => {
    const { sim, adminChatId } = h;
    await h.runtime.settings.set('relay.pin_card', true);
    const before = groupCalls().length;
    const fan = sim.control.createUser({ first_name: 'Pinned' });
    sim.control.fanSendsText(fan.id, 'hello pinned');
    const topic = await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.name.startsWith('Pinned')),
      10_000,
      'topic',
    );
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).includes('hello pinned'),
      10_000,
      'relay',
    );
    const methods = groupCalls()
      .slice(before)
      .map((c) => c.method);
    expect(methods.slice(0, 3)).toEqual(['createForumTopic', 'sendMessage', 'pinChatMessage']);
    const card = sim.control.messages(adminChatId, { threadId: topic.threadId }).find(isFanCard);
    expect(card?.pinned).toBe(true);
  });
});
