/**
 * Issue 17: a new fan's topic costs few statements in the fan store. The topic look-up that
 * finds none reads the fan's profile with it, and the title's `profile()` right after takes
 * that (once, and never over a newer `ensure`); `saveTopic` writes in one statement when it
 * wins and reads back only when another worker's topic was there first. Counted with a knex
 * query listener. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanStore } from '../../../src/adapters/db/fan-store.js';
import type { FanDirectory } from '../../../src/core/traffic/ports.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100600;

describe('fan store: a new fan topic (issue 17)', () => {
  let t: TestDb;
  let fans: FanDirectory;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    fans = createFanStore(t.db);
    const now = new Date();
    await t.db('users').insert([
      { id: 21, first_name: 'Ann', username: 'ann', created_at: now },
      { id: 22, first_name: 'Bob', created_at: now },
      { id: 23, first_name: 'Cid', created_at: now },
    ]);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
    let statements = 0;
    const listener = () => statements++;
    t.db.on('query', listener);
    try {
      return { result: await fn(), statements };
    } finally {
      t.db.removeListener('query', listener);
    }
  }

  it('the look-up that finds no topic brings the profile the title needs', async () => {
    const lookUp = await counted(() => fans.topicOf(21));
    expect(lookUp).toEqual({ result: null, statements: 1 });
    const title = await counted(() => fans.profile(21));
    expect(title.statements).toBe(0);
    expect(title.result).toEqual({
      id: 21,
      firstName: 'Ann',
      lastName: null,
      username: 'ann',
      languageCode: null,
    });
    // Taken once: the next read goes to the database.
    const again = await counted(() => fans.profile(21));
    expect(again.statements).toBe(1);
    expect(again.result).toEqual(title.result);
  });

  it('a profile written after the look-up wins over the one read with it', async () => {
    expect(await fans.topicOf(22)).toBeNull();
    await fans.ensure({ id: 22, firstName: 'Robert' });
    expect((await fans.profile(22))?.firstName).toBe('Robert');
  });

  it('saveTopic: one statement when it wins; the stored topic when another was first', async () => {
    const first = await counted(() => fans.saveTopic(23, { chatId: GROUP, topicId: 501 }, 'Cid'));
    expect(first).toEqual({ result: { chatId: GROUP, topicId: 501 }, statements: 1 });
    // Another worker's topic was there first: its topic is the answer.
    const late = await fans.saveTopic(23, { chatId: GROUP, topicId: 502 }, 'Cid');
    expect(late).toEqual({ chatId: GROUP, topicId: 501 });
    expect(await fans.topicOf(23)).toEqual({ chatId: GROUP, topicId: 501 });
    // Recreating: only over the topic it replaces.
    const stale = await fans.saveTopic(23, { chatId: GROUP, topicId: 503 }, 'Cid', 999);
    expect(stale).toEqual({ chatId: GROUP, topicId: 501 });
    const recreated = await counted(() =>
      fans.saveTopic(23, { chatId: GROUP, topicId: 504 }, 'Cid', 501),
    );
    expect(recreated).toEqual({ result: { chatId: GROUP, topicId: 504 }, statements: 1 });
    expect(await fans.topicOf(23)).toEqual({ chatId: GROUP, topicId: 504 });
  });

  it('no fan, no topic and no profile', async () => {
    expect(await fans.topicOf(99)).toBeNull();
    expect(await fans.profile(99)).toBeNull();
  });
});
