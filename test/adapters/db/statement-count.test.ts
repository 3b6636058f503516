/**
 * Issue 17: a paid fan text costs a handful of SQL statements from the webhook to the
 * committed relay job, whatever the fan's history. Counted with a knex query listener
 * (a count, never a timing) on the shipped runtime, its outbox worker not started so only
 * the intake's work is seen. On SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFanHarness, grantCredits, seedProducts } from '../telegram/fan-harness.js';
import { WEBHOOK_SECRET, type Harness } from '../telegram/harness.js';

/**
 * The most statements a paid text may take (issue 17: ≤ 6): the update's record, the locked
 * read of the fan, the ledger entry, the fan's update and the relay job.
 */
const MAX_STATEMENTS = 5;

interface Statement {
  sql: string;
}

describe('statements per paid fan text', () => {
  let h: Harness;
  let updateId = 900_000_000;
  let messageId = 1;
  beforeAll(async () => {
    // No worker, no coalesced follow-ups inside the window: only the update's own work.
    h = await startFanHarness({
      mode: 'none',
      fan: { balanceBarDelayMs: 60_000, cardRefreshMs: 60_000, settingsTtlMs: 60_000 },
    });
    await seedProducts(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  function textUpdate(fan: { id: number; first_name: string }, text: string) {
    return {
      update_id: updateId++,
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: fan.id, type: 'private', first_name: fan.first_name },
        from: { id: fan.id, is_bot: false, first_name: fan.first_name, language_code: 'en' },
        text,
      },
    };
  }

  /** Posts the update to the webhook and returns the statements it ran. */
  async function statementsOf(update: object): Promise<Statement[]> {
    const seen: Statement[] = [];
    const listener = (q: { sql: string }) => seen.push({ sql: q.sql });
    h.testDb.db.on('query', listener);
    try {
      const res = await h.runtime.app.inject({
        method: 'POST',
        url: '/telegram-webhook',
        headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        payload: update,
      });
      expect(res.statusCode).toBe(200);
    } finally {
      h.testDb.db.removeListener('query', listener);
    }
    return seen;
  }

  /**
   * Not counted, but listed on failure: BEGIN/COMMIT, which frame the work; the settings and
   * product caches' revision reads, each made at most once a second whatever the traffic
   * (checked below); and Postgres's `NOTIFY` that wakes the other instances' outbox workers
   * (the outbox's own statement).
   */
  const uncounted = /^(begin|commit|notify)|settings_revision|catalog_revision/i;

  function expectAtMost(statements: Statement[], max: number) {
    const listing = statements.map((s, i) => `${i + 1}. ${s.sql}`).join('\n');
    const counted = statements.filter((s) => !uncounted.test(s.sql.trim()));
    expect(counted.length, `statements:\n${listing}`).toBeLessThanOrEqual(max);
    expect(statements.filter((s) => /^rollback|savepoint/i.test(s.sql.trim()))).toEqual([]);
  }

  async function creditedFan(name: string, id: number) {
    const fan = { id, first_name: name };
    await grantCredits(h, fan, 1_000, `grant:cs_${name}`);
    // The first message creates the topic title and the fan's profile; warm up past it.
    await statementsOf(textUpdate(fan, 'hello'));
    return fan;
  }

  it(`a paid text from a fan with credits takes at most ${MAX_STATEMENTS} statements`, async () => {
    const fan = await creditedFan('Counted', 5_100_001);
    const statements = await statementsOf(textUpdate(fan, 'how are you?'));
    expectAtMost(statements, MAX_STATEMENTS);
    const spent = await h.runtime.ledger.balance(fan.id);
    expect(spent.credits).toBe(1_000 - 2);
  });

  it('on Postgres, the record and the read, the entry and the balance each share a statement', async () => {
    const fan = await creditedFan('Merged', 5_100_005);
    const statements = await statementsOf(textUpdate(fan, 'in three'));
    expectAtMost(statements, h.testDb.dialect === 'postgres' ? 3 : MAX_STATEMENTS);
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(1_000 - 2);
  });

  it('the product list is checked at most once a second, not for every text', async () => {
    const fan = await creditedFan('Twice', 5_100_004);
    // Back to back (well within a second): at most one check of the catalog's revision.
    const statements = [
      ...(await statementsOf(textUpdate(fan, 'one'))),
      ...(await statementsOf(textUpdate(fan, 'two'))),
    ];
    const checks = statements.filter((s) => /catalog_revision/.test(s.sql));
    expect(checks.length, statements.map((s) => s.sql).join('\n')).toBeLessThanOrEqual(1);
    expect(statements.filter((s) => /from .products./i.test(s.sql))).toEqual([]);
  });

  it('a fan with a long history costs the same statements, none of them over the ledger', async () => {
    const fan = await creditedFan('Longhistory', 5_100_002);
    const { db } = h.testDb;
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      user_id: fan.id,
      kind: i % 2 === 0 ? 'gift' : 'spend',
      credits_delta: i % 2 === 0 ? 1 : -1,
      idempotency_key: `history:${fan.id}:${i}`,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await db('credit_ledger').insert(rows.slice(i, i + 200));
    const statements = await statementsOf(textUpdate(fan, 'still here'));
    expectAtMost(statements, MAX_STATEMENTS);
    // The entry's insert (on Postgres inside the spend's one statement) is no read.
    const overLedger = statements.filter((s) =>
      /credit_ledger/.test(s.sql.replace(/insert into "?credit_ledger"?/gi, '')),
    );
    expect(overLedger.map((s) => s.sql)).toEqual([]);
  });

  it('a redelivered paid text stops at the update record: nothing moves, nothing is queued', async () => {
    const fan = await creditedFan('Redelivered', 5_100_003);
    const update = textUpdate(fan, 'once only');
    await statementsOf(update);
    const credits = (await h.runtime.ledger.balance(fan.id)).credits;
    const again = await statementsOf(update);
    const writes = again.filter((s) => /^(insert|update|with)/i.test(s.sql.trim()));
    expect(writes.length, writes.map((s) => s.sql).join('\n')).toBe(1);
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(credits);
  });

  it("a fan never seen before is inserted and read in one statement (the insert's RETURNING)", async () => {
    const fan = { id: 5_100_077, first_name: 'Newcomer' };
    const statements = await statementsOf(textUpdate(fan, 'first words'));
    const users = statements.filter((s) => /(from|into|update) [`"]?users[`"]?/i.test(s.sql));
    const listing = users.map((s) => s.sql).join('\n');
    const inserts = users.filter((s) => /^insert into [`"]?users/i.test(s.sql.trim()));
    expect(inserts, listing).toHaveLength(1);
    // The locked read that finds nobody (on Postgres with the update's record), and no
    // read after the insert: it returned the row.
    const reads = users.filter((s) => /^(select|with)/i.test(s.sql.trim()));
    expect(reads, listing).toHaveLength(1);
    expect(statements.indexOf(reads[0]!)).toBeLessThan(statements.indexOf(inserts[0]!));
    expect(await h.runtime.ledger.balance(fan.id)).toMatchObject({ credits: 0 });
  });
});
