/**
 * Issue 17: the topic manager keeps each fan's topic in memory, so a relay into a known topic
 * reads nothing from `conversations`; a topic another instance replaced is picked up from the
 * database when the send into the old one fails, never created twice. Two managers (two
 * instances) over one database with a fake Bot API counting topic creations; the statements
 * are counted with a knex query listener. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanStore } from '../../../src/adapters/db/fan-store.js';
import type { TelegramSender } from '../../../src/adapters/telegram/sender.js';
import { TopicManager } from '../../../src/adapters/telegram/topics.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const ADMIN_CHAT = -1001000000001;

/** A Bot API that only opens topics, numbered in order, and remembers them. */
function fakeTelegram() {
  let next = 100;
  const created: number[] = [];
  const sender = {
    scheduler: { rules: { group: { windowMs: 1_000 } } },
    async send(method: string) {
      if (method === 'createForumTopic') {
        const id = next++;
        created.push(id);
        return { message_thread_id: id };
      }
      return true;
    },
  } as unknown as TelegramSender;
  return { sender, created };
}

/** Reads of a fan's topic (`topicOf`), the statement a relay used to run before every send. */
const TOPIC_READ = /^\s*select\b[\s\S]*\bconversations\b/i;

describe('fan topics kept in memory', () => {
  let t: TestDb;
  const telegram = fakeTelegram();
  let statements: string[] = [];
  const listener = (q: { sql: string }) => statements.push(q.sql);

  function manager() {
    const fans = createFanStore(t.db);
    const state = new Map<string, string>();
    return new TopicManager({
      sender: telegram.sender,
      fans,
      state: {
        get: async (k) => state.get(k) ?? null,
        set: async (k, v) => void state.set(k, v),
      },
      adminChatId: ADMIN_CHAT,
      logger: silentLogger,
    });
  }

  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; reads: number }> {
    statements = [];
    t.db.on('query', listener);
    try {
      const result = await work();
      return { result, reads: statements.filter((s) => TOPIC_READ.test(s)).length };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  beforeAll(async () => {
    t = await createMigratedTestDb();
    const fans = createFanStore(t.db);
    for (const id of [501, 502, 503]) await fans.ensure({ id, firstName: `Fan${id}` });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('reads a known topic from memory: no conversations look-up per relay', async () => {
    const topics = manager();
    const first = await topics.topicFor(501);
    expect(telegram.created).toContain(first);
    const { result, reads } = await counted(async () => {
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push(await topics.topicFor(501));
      return ids;
    });
    expect(new Set(result)).toEqual(new Set([first]));
    expect(reads).toBe(0);
    expect(topics.cachedTopic(501)).toEqual({ chatId: ADMIN_CHAT, topicId: first });

    // A topic created before this process started (another instance, a restart) is read
    // once, then kept.
    const restarted = manager();
    const again = await counted(async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await restarted.topicFor(501));
      return ids;
    });
    expect(new Set(again.result)).toEqual(new Set([first]));
    expect(again.reads).toBe(1);
  });

  it('a topic replaced by another instance is read again, not created a second time', async () => {
    const a = manager();
    const b = manager();
    const old = await a.topicFor(502);
    expect(await b.topicFor(502)).toBe(old);

    // The team deletes the topic; instance B's send fails first and B recreates it.
    const fresh = await b.recreate(502, old);
    expect(fresh).not.toBe(old);
    const createdBefore = telegram.created.length;

    // Instance A still has the old topic in memory: its send goes there, fails with "message
    // thread not found", and the recreate path reads the stored topic, which B replaced.
    expect(await a.topicFor(502)).toBe(old);
    const { result, reads } = await counted(() => a.recreate(502, old));
    expect(result).toBe(fresh);
    expect(reads).toBe(1);
    expect(telegram.created.length).toBe(createdBefore);
    expect(a.cachedTopic(502)).toEqual({ chatId: ADMIN_CHAT, topicId: fresh });
    // …and from then on A relays into B's topic without reading.
    const after = await counted(() => a.topicFor(502));
    expect(after).toEqual({ result: fresh, reads: 0 });
  });

  it('a deleted topic is recreated once for a burst, and the new one kept', async () => {
    const topics = manager();
    const old = await topics.topicFor(503);
    const createdBefore = telegram.created.length;
    const burst = await Promise.all([1, 2, 3].map(() => topics.recreate(503, old)));
    expect(new Set(burst).size).toBe(1);
    expect(telegram.created.length).toBe(createdBefore + 1);
    expect(topics.cachedTopic(503)).toEqual({ chatId: ADMIN_CHAT, topicId: burst[0] });
    const row = (await t.db('conversations').where({ user_id: 503 }).first()) as {
      topic_id: unknown;
    };
    expect(Number(row.topic_id)).toBe(burst[0]);
    expect(await counted(() => topics.topicFor(503))).toEqual({ result: burst[0], reads: 0 });
  });

  it("a new topic's card is posted before anything else is sent into it", async () => {
    const fans = createFanStore(t.db);
    await fans.ensure({ id: 701, firstName: 'Carded' });
    let postCard!: () => void;
    const cardPosted = new Promise<void>((resolve) => (postCard = resolve));
    const events: string[] = [];
    const topics = new TopicManager({
      sender: telegram.sender,
      fans,
      state: { get: async () => null, set: async () => {} },
      adminChatId: ADMIN_CHAT,
      logger: silentLogger,
      onFanTopicCreated: async () => {
        await cardPosted;
        events.push('card');
        return true;
      },
    });
    const opening = topics.openTopic(701).then(() => events.push('opened'));
    // Wait until the topic is stored (the card hook is running), then ask again.
    while (!(await fans.topicOf(701))) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = topics.topicFor(701).then(() => events.push('second'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events).toEqual([]);
    postCard();
    await Promise.all([opening, second]);
    expect(events[0]).toBe('card');
  });

  it('keeps at most maxCachedTopics, the least recently used dropped first', async () => {
    const fans = createFanStore(t.db);
    for (const id of [601, 602, 603]) await fans.ensure({ id, firstName: `Fan${id}` });
    const topics = new TopicManager({
      sender: telegram.sender,
      fans,
      state: { get: async () => null, set: async () => {} },
      adminChatId: ADMIN_CHAT,
      logger: silentLogger,
      maxCachedTopics: 2,
    });
    await topics.topicFor(601);
    await topics.topicFor(602);
    await topics.topicFor(601);
    await topics.topicFor(603);
    expect(topics.cachedTopic(602)).toBeUndefined();
    expect(topics.cachedTopic(601)).toBeDefined();
    expect(topics.cachedTopic(603)).toBeDefined();
  });
});
