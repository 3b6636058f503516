/**
 * Issue 17: two instances on one database (two runtimes, each with its own topic manager and
 * its own memory of topics; on Postgres each with its own pool). Instance A relays into a
 * fan's topic and remembers it; the team deletes the topic and instance B, sending next,
 * recreates it; then A sends again: its remembered topic fails with "message thread not
 * found", A reads the stored topic — B's — and delivers there without creating a third one.
 * The two workers take turns, so which instance sends is certain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { testDialect } from '../../helpers/db.js';
import { startHarness, topicTexts, type Harness } from './harness.js';

describe('a topic recreated by another instance', () => {
  let a: Harness;
  let b: Harness;
  let secondPool: Db | undefined;
  beforeAll(async () => {
    a = await startHarness({ timeScale: 0.01 });
    // SQLite has one connection per database: the second runtime shares it.
    secondPool = testDialect === 'postgres' ? createDb(a.testDb.url, { poolMax: 4 }) : undefined;
    b = await startHarness({
      timeScale: 0.01,
      mode: 'none',
      sim: a.sim,
      admin: { chatId: a.adminChatId, ownerId: a.ownerId },
      testDb: { ...a.testDb, db: secondPool ?? a.testDb.db, destroy: async () => {} },
      workerId: 'instance-b',
    });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await secondPool?.destroy();
  });

  async function topicWith(name: string, texts: string[], except: number[] = []) {
    const { sim, adminChatId } = a;
    return sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find(
            (t) =>
              t.name.startsWith(name) &&
              !t.deleted &&
              !except.includes(t.threadId) &&
              topicTexts(sim, adminChatId, t.threadId).join('|') === texts.join('|'),
          ),
      10_000,
      `${name}'s topic with ${texts.join(', ')}`,
    );
  }

  it('is picked up from the database by the instance that remembered the old one', async () => {
    const { sim, adminChatId, testDb } = a;
    const fan = sim.control.createUser({ first_name: 'Twinny' });
    sim.control.fanSendsText(fan.id, 'hello');
    const first = await topicWith('Twinny', ['hello']);

    // A's worker rests; B's sends the next message, into the deleted topic, and recreates it.
    await a.runtime.worker.stop();
    await b.runtime.worker.start();
    sim.control.deleteTopic(adminChatId, first.threadId);
    sim.control.fanSendsText(fan.id, 'via b');
    const second = await topicWith('Twinny', ['via b'], [first.threadId]);

    // A sends again: it still remembers the first topic.
    await b.runtime.worker.stop();
    await a.runtime.worker.start();
    sim.control.fanSendsText(fan.id, 'via a');
    await topicWith('Twinny', ['via b', 'via a'], [first.threadId]);

    const topics = sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Twinny'));
    expect(topics.map((t) => t.threadId)).toEqual([first.threadId, second.threadId]);
    const conversation = (await testDb.db('conversations').where({ user_id: fan.id }).first()) as {
      topic_id: unknown;
    };
    expect(Number(conversation.topic_id)).toBe(second.threadId);
    expect(sim.control.violations()).toEqual([]);
  });
});
