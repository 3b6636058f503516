/** Blocked fans and deleted topics, against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, topicTexts, type Harness } from './harness.js';

describe('blocked fans and deleted topics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01 });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function fanWithTopic(name: string) {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: name });
    sim.control.fanSendsText(fan.id, `hello from ${name}`);
    const topic = await sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find(
            (t) => t.name.startsWith(name) && topicTexts(sim, adminChatId, t.threadId).length > 0,
          ),
      10_000,
      `${name}'s topic`,
    );
    return { fan, topic };
  }

  it('403 "bot was blocked" marks the fan blocked and tells the topic; my_chat_member unblocks', async () => {
    const { sim, adminChatId, ownerId, testDb } = h;
    const { fan, topic } = await fanWithTopic('Blocky');
    sim.control.injectFault({
      fault: { type: 'error', code: 403, description: 'Forbidden: bot was blocked by the user' },
      methods: ['copyMessage'],
      chatId: fan.id,
    });
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'are you there?');
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).find((t) => t.includes('blocked the bot')),
      10_000,
      'blocked notice',
    );
    const user = await testDb.db('users').where({ id: fan.id }).first();
    expect(Boolean(user.is_blocked)).toBe(true);
    const job = await testDb.db('outbox').where({ kind: 'relay.team', fan_id: fan.id }).first();
    expect(job).toMatchObject({ status: 'failed', outcome: 'blocked' });

    // Later answers are not even attempted while the fan is blocked.
    const callsBefore = sim.control
      .calls({ method: 'copyMessage' })
      .filter((c) => c.params.chat_id === fan.id).length;
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'still there?');
    await waitForOutcome(h, fan.id, 2);
    expect(
      sim.control.calls({ method: 'copyMessage' }).filter((c) => c.params.chat_id === fan.id),
    ).toHaveLength(callsBefore);

    // The fan comes back: my_chat_member (kicked → member) unblocks and tells the topic.
    sim.control.blockBot(fan.id);
    sim.control.unblockBot(fan.id);
    await sim.control.waitFor(
      () =>
        topicTexts(sim, adminChatId, topic.threadId).find((t) =>
          t.includes('started the bot again'),
        ),
      10_000,
      'unblocked notice',
    );
    expect(Boolean((await testDb.db('users').where({ id: fan.id }).first()).is_blocked)).toBe(
      false,
    );
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'welcome back');
    await sim.control.waitFor(
      () => sim.control.messages(fan.id).find((m) => m.fromBot && m.text === 'welcome back'),
      10_000,
      'answer after unblock',
    );
    const notices = topicTexts(sim, adminChatId, topic.threadId).filter((t) =>
      t.includes('blocked the bot'),
    );
    expect(notices).toHaveLength(1);
  });

  it('"message thread not found" recreates the topic once and resends, in order', async () => {
    const { sim, adminChatId, testDb } = h;
    const { fan, topic } = await fanWithTopic('Topsy');
    sim.control.deleteTopic(adminChatId, topic.threadId);
    for (const text of ['one', 'two', 'three']) sim.control.fanSendsText(fan.id, text);
    const fresh = await sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find(
            (t) =>
              t.name.startsWith('Topsy') &&
              !t.deleted &&
              topicTexts(sim, adminChatId, t.threadId).length === 3,
          ),
      10_000,
      'recreated topic with three messages',
    );
    expect(fresh.threadId).not.toBe(topic.threadId);
    expect(topicTexts(sim, adminChatId, fresh.threadId)).toEqual(['one', 'two', 'three']);
    // Single flight: exactly one replacement topic.
    expect(sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Topsy'))).toHaveLength(
      2,
    );
    const conversation = await testDb.db('conversations').where({ user_id: fan.id }).first();
    expect(Number(conversation.topic_id)).toBe(fresh.threadId);
    expect(sim.control.violations()).toEqual([]);
  });
});

async function waitForOutcome(h: Harness, fanId: number, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await h.testDb
      .db('outbox')
      .where({ kind: 'relay.team', fan_id: fanId, outcome: 'blocked' });
    if (rows.length >= count) return;
    if (Date.now() > deadline) throw new Error('blocked outcome not recorded');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
