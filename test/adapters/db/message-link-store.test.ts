/**
 * Issue 17: message links are a group commit, like the outbox's `sent` writes — the links of
 * deliveries that finish in one turn of the event loop, or while one write runs, share a
 * statement, and each caller resolves only once its own links are stored. Counted with a
 * knex query listener (never timed). On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanStore } from '../../../src/adapters/db/fan-store.js';
import { createMessageLinkStore } from '../../../src/adapters/db/message-link-store.js';
import type { MessageLink, MessageLinks } from '../../../src/core/fan-account.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000001;
const FANS = [801, 802, 803, 804, 805, 806, 807, 808];

describe('message links, grouped', () => {
  let t: TestDb;
  let links: MessageLinks;
  let statements: string[] = [];
  const listener = (q: { sql: string }) => statements.push(q.sql);

  beforeAll(async () => {
    t = await createMigratedTestDb();
    const fans = createFanStore(t.db);
    for (const id of FANS) await fans.ensure({ id, firstName: `Fan${id}` });
    links = createMessageLinkStore(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function counted(work: () => Promise<unknown>) {
    statements = [];
    t.db.on('query', listener);
    try {
      await work();
    } finally {
      t.db.removeListener('query', listener);
    }
    return {
      inserts: statements.filter((s) => /^insert into ["`]?message_links/i.test(s.trim())).length,
      answers: statements.filter((s) => /^update ["`]?users/i.test(s.trim())).length,
      listing: statements.join('\n'),
    };
  }

  const fanLink = (fanId: number, n: number): MessageLink => ({
    fanId,
    direction: 'fan',
    fanMessageId: n,
    topicChatId: GROUP,
    topicMessageId: 10_000 + n,
  });
  const teamLink = (fanId: number, n: number): MessageLink => ({
    fanId,
    direction: 'team',
    fanMessageId: 20_000 + n,
    topicChatId: GROUP,
    topicMessageId: 30_000 + n,
  });

  it('deliveries finishing together share one insert; each resolves with its links stored', async () => {
    const { inserts, listing } = await counted(() =>
      Promise.all(
        FANS.map(async (fanId, i) => {
          await links.record([fanLink(fanId, i + 1)]);
          // Resolved: this caller's link is there (a reply to the copy can be mapped).
          expect(await links.topicCopyOf(fanId, i + 1)).toBe(10_000 + i + 1);
        }),
      ),
    );
    // Asked for in one turn of the event loop, the eight share one insert.
    expect(inserts, listing).toBe(1);
    const rows = await t.db('message_links').whereIn('fan_id', FANS).count({ n: '*' }).first();
    expect(Number(rows?.n)).toBe(FANS.length);
  });

  it("team answers' inbox marks share one update per write", async () => {
    const before = new Date(Date.now() - 60_000);
    await t.db('users').whereIn('id', FANS).update({ inbox_waiting_since: before });
    const { inserts, answers, listing } = await counted(() =>
      Promise.all(FANS.map((fanId, i) => links.record([teamLink(fanId, i + 1)]))),
    );
    expect(inserts, listing).toBe(1);
    expect(answers, listing).toBe(1);
    const waiting = await t.db('users').whereIn('id', FANS).whereNotNull('inbox_waiting_since');
    expect(waiting).toEqual([]);
  });

  it('a link written again is kept once; a bad link fails only the write that brought it', async () => {
    const results = await Promise.allSettled([
      links.record([fanLink(801, 1)]),
      links.record([fanLink(802, 2), fanLink(802, 50)]),
      // No such fan: the foreign key refuses it.
      links.record([fanLink(999_999, 3)]),
      links.record([fanLink(803, 51)]),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await links.topicCopyOf(802, 50)).toBe(10_050);
    expect(await links.topicCopyOf(803, 51)).toBe(10_051);
    const dup = await t.db('message_links').where({ fan_id: 801, fan_message_id: 1 });
    expect(dup).toHaveLength(1);
  });
});
