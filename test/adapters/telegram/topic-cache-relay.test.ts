/**
 * Issue 17, against the simulator: once a fan's topic is known, their relays read nothing
 * from `conversations`; a topic the team deleted is recreated once, the messages still
 * delivered in order, and the new topic is the one kept in memory (the next relay goes there
 * without a look-up). Statements counted with a knex query listener, never timed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, topicTexts, type Harness } from './harness.js';

/**
 * The topic look-up a relay used to run before every send (`FanDirectory.topicOf`): a read of
 * a fan's `conversations` row outside any transaction (the intake's account read is inside
 * the fan message's transaction) that is not the card's read (which takes its message id).
 */
function isTopicRead(q: { sql: string; __knexTxId?: unknown }): boolean {
  return (
    q.__knexTxId === undefined &&
    /^\s*select/i.test(q.sql) &&
    /conversations/i.test(q.sql) &&
    /topic_id/i.test(q.sql) &&
    !/card_message_id/i.test(q.sql)
  );
}

describe('relays into a known topic', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Runs `work` and returns the topic look-ups the whole process ran meanwhile. */
  async function topicReadsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const listener = (q: { sql: string; __knexTxId?: unknown }) => {
      if (isTopicRead(q)) seen.push(q.sql);
    };
    h.testDb.db.on('query', listener);
    try {
      await work();
    } finally {
      h.testDb.db.removeListener('query', listener);
    }
    return seen;
  }

  async function topicWith(name: string, count: number, except?: number) {
    const { sim, adminChatId } = h;
    return sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find(
            (t) =>
              t.name.startsWith(name) &&
              !t.deleted &&
              t.threadId !== except &&
              topicTexts(sim, adminChatId, t.threadId).length === count,
          ),
      10_000,
      `${name}'s topic with ${count} messages`,
    );
  }

  it('no conversations look-up per relay; a deleted topic is recreated once and then kept', async () => {
    const { sim, adminChatId, testDb } = h;
    const fan = sim.control.createUser({ first_name: 'Cachy' });
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicWith('Cachy', 1);

    // Steady state: the topic is known, each relay goes straight to it.
    const steady = await topicReadsDuring(async () => {
      for (const text of ['two', 'three', 'four']) sim.control.fanSendsText(fan.id, text);
      await topicWith('Cachy', 4);
    });
    expect(steady).toEqual([]);
    expect(topicTexts(sim, adminChatId, topic.threadId)).toEqual(['hello', 'two', 'three', 'four']);

    // The team deletes the topic: the send into the remembered one fails, the stored topic
    // is read and a new one created, once, and the messages are delivered in order.
    sim.control.deleteTopic(adminChatId, topic.threadId);
    for (const text of ['five', 'six']) sim.control.fanSendsText(fan.id, text);
    const fresh = await topicWith('Cachy', 2, topic.threadId);
    expect(topicTexts(sim, adminChatId, fresh.threadId)).toEqual(['five', 'six']);
    expect(sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Cachy'))).toHaveLength(
      2,
    );
    const conversation = (await testDb.db('conversations').where({ user_id: fan.id }).first()) as {
      topic_id: unknown;
    };
    expect(Number(conversation.topic_id)).toBe(fresh.threadId);

    // The new topic is the one remembered: the next relay goes there without a look-up.
    const after = await topicReadsDuring(async () => {
      sim.control.fanSendsText(fan.id, 'seven');
      await topicWith('Cachy', 3, topic.threadId);
    });
    expect(after).toEqual([]);
    expect(topicTexts(sim, adminChatId, fresh.threadId)).toEqual(['five', 'six', 'seven']);

    // Every relayed copy is linked to the fan's message (replies, edits and reactions need it).
    const links = await linksOf(fan.id, 7);
    const copies = sim.control
      .messages(adminChatId, { threadId: fresh.threadId })
      .filter((m) => ['five', 'six', 'seven'].includes(m.text ?? ''))
      .map((m) => m.messageId);
    expect(links.map((l) => Number(l.topic_message_id))).toEqual(expect.arrayContaining(copies));
    expect(links).toHaveLength(7);
    expect(sim.control.violations()).toEqual([]);
  });

  /** The fan's links once there are `count` (each is written right after its copy arrived). */
  async function linksOf(fanId: number, count: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = (await h.testDb
        .db('message_links')
        .where({ fan_id: fanId, direction: 'fan' })) as Array<{ topic_message_id: unknown }>;
      if (rows.length >= count || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
});
