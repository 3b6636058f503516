/**
 * Issue 17: paid fan texts posted to the webhook together share their transaction (the
 * intake's group commit, src/adapters/db/intake-batches.ts), each acknowledged once
 * committed; on Postgres a batch's jobs are announced by a NOTIFY sent after its COMMIT. A
 * text whose relay job cannot be written rolls back alone: every other text is charged
 * once, with its relay job. On the shipped runtime, its outbox worker not started; on
 * SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFanHarness, grantCredits, seedProducts } from '../telegram/fan-harness.js';
import { WEBHOOK_SECRET, type Harness } from '../telegram/harness.js';

/** What a text costs as shipped (`cost.text`). */
const TEXT_COST = 1;

describe("the intake's group commit", () => {
  let h: Harness;
  let updateId = 930_000_000;
  let messageId = 1;
  let nextFan = 5_300_001;
  beforeAll(async () => {
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

  async function post(update: object): Promise<number> {
    const res = await h.runtime.app.inject({
      method: 'POST',
      url: '/telegram-webhook',
      headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      payload: update,
    });
    return res.statusCode;
  }

  /** Fans with credits whose first text (their topic's title, their profile) is behind them. */
  async function creditedFans(n: number) {
    const fans = [];
    for (let i = 0; i < n; i++) {
      const fan = { id: nextFan++, first_name: `Batch${i}` };
      await grantCredits(h, fan, 100, `grant:cs_batch_${fan.id}`);
      expect(await post(textUpdate(fan, 'hello'))).toBe(200);
      fans.push(fan);
    }
    return fans;
  }

  /**
   * Posts the updates at once; the status of each, and the transactions that recorded them
   * (the statements keep being watched until `until` holds of them).
   */
  async function postTogether(updates: object[], until?: (statements: string[]) => boolean) {
    /** The update ids each transaction recorded. */
    const recording = new Map<string, number[]>();
    const statements: string[] = [];
    /** Statements sent inside a transaction. */
    const inTransaction: string[] = [];
    const listener = (q: { sql: string; bindings?: unknown[]; __knexTxId?: string }) => {
      statements.push(q.sql.trim());
      if (q.__knexTxId) inTransaction.push(q.sql.trim());
      if (/insert into .?telegram_updates/i.test(q.sql) && q.__knexTxId) {
        const ids = recording.get(q.__knexTxId) ?? [];
        // One update's id, or (a batch on Postgres) a Postgres array of them: '{1,2,3}'.
        const bound = String(q.bindings?.[1]);
        const recorded = bound.startsWith('{') ? bound.slice(1, -1).split(',') : [bound];
        recording.set(q.__knexTxId, [...ids, ...recorded.map(Number)]);
      }
    };
    h.testDb.db.on('query', listener);
    try {
      const statuses = await Promise.all(updates.map(post));
      if (until) await vi.waitFor(() => expect(until(statements)).toBe(true));
      return { statuses, transactions: [...recording.values()], statements, inTransaction };
    } finally {
      h.testDb.db.removeListener('query', listener);
    }
  }

  async function spendsOf(fanId: number) {
    return (await h.testDb
      .db('credit_ledger')
      .where({ user_id: fanId, kind: 'spend' })
      .select('idempotency_key')) as unknown[];
  }

  const relayJobsOf = async (fanId: number) =>
    (await h.testDb.db('outbox').where({ fan_id: fanId, kind: 'relay.fan' })) as unknown[];

  const creditsOf = async (fanId: number) => (await h.runtime.ledger.balance(fanId)).credits;

  it('paid texts posted together commit in fewer transactions than texts', async () => {
    const fans = await creditedFans(12);
    const notifies = (statements: string[]) => statements.filter((s) => /^notify/i.test(s));
    const listed = (statements: string[]) =>
      notifies(statements).flatMap(
        (n) => JSON.parse(/'(.*)'$/s.exec(n)![1]!.replaceAll("''", "'")) as unknown[],
      );
    const postgres = h.testDb.dialect === 'postgres';
    const { statuses, transactions, statements, inTransaction } = await postTogether(
      fans.map((f) => textUpdate(f, 'together')),
      postgres ? (s) => listed(s).length >= fans.length : undefined,
    );
    expect(statuses).toEqual(fans.map(() => 200));
    expect(transactions.length).toBeLessThan(fans.length);
    expect(statements.filter((s) => /^(rollback|savepoint)/i.test(s))).toEqual([]);
    // The batch's relay jobs go out in one insert before its COMMIT, not one per text — on
    // Postgres inside the statement that writes the batch's spends.
    const outboxInserts = statements.filter((s) =>
      postgres ? /\bo AS \(INSERT INTO outbox /.test(s) : /^insert into "?outbox"? /i.test(s),
    );
    expect(outboxInserts).toHaveLength(transactions.length);
    if (postgres) {
      // After the COMMITs, never inside a batch (a NOTIFY holds Postgres's notify lock
      // through its transaction's commit): at most one per batch, listing every job queued.
      expect(notifies(inTransaction)).toEqual([]);
      expect(notifies(statements).length).toBeLessThanOrEqual(transactions.length);
      expect(listed(statements)).toHaveLength(fans.length);
    }
    for (const fan of fans) {
      expect(await creditsOf(fan.id)).toBe(100 - 2 * TEXT_COST);
      expect(await spendsOf(fan.id)).toHaveLength(2);
      expect(await relayJobsOf(fan.id)).toHaveLength(2);
    }
  });

  it('a text whose relay job fails is not acknowledged, and changes nothing of the others', async () => {
    const fans = await creditedFans(10);
    const victim = fans[5]!;
    const { db, dialect } = h.testDb;
    // A relay job that cannot be written: the failure comes after the update's record, the
    // spend and the fan's update were written in the same transaction.
    if (dialect === 'sqlite') {
      await db.raw(
        `CREATE TRIGGER fail_relay BEFORE INSERT ON outbox WHEN NEW.fan_id = ${victim.id} ` +
          "AND NEW.kind = 'relay.fan' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
      );
    } else {
      await db.raw(
        'CREATE FUNCTION fail_relay() RETURNS trigger AS $$ BEGIN ' +
          "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
      );
      await db.raw(
        'CREATE TRIGGER fail_relay BEFORE INSERT ON outbox FOR EACH ROW WHEN ' +
          `(NEW.fan_id = ${victim.id} AND NEW.kind = 'relay.fan') EXECUTE FUNCTION fail_relay()`,
      );
    }
    const updates = fans.map((f) => textUpdate(f, 'one of many'));
    let result;
    try {
      result = await postTogether(updates);
    } finally {
      await db.raw(
        dialect === 'sqlite' ? 'DROP TRIGGER fail_relay' : 'DROP TRIGGER fail_relay ON outbox',
      );
      if (dialect !== 'sqlite') await db.raw('DROP FUNCTION fail_relay()');
    }
    expect(result.statuses).toEqual(fans.map((f) => (f === victim ? 500 : 200)));
    // The victim's text shared a transaction with others' (which then ran again alone).
    const victimId = updates[fans.indexOf(victim)]!.update_id;
    const shared = result.transactions.filter((ids) => ids.includes(victimId) && ids.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    expect(await creditsOf(victim.id)).toBe(100 - TEXT_COST);
    expect(await spendsOf(victim.id)).toHaveLength(1);
    expect(await relayJobsOf(victim.id)).toHaveLength(1);
    for (const fan of fans.filter((f) => f !== victim)) {
      expect(await creditsOf(fan.id)).toBe(100 - 2 * TEXT_COST);
      expect(await spendsOf(fan.id)).toHaveLength(2);
      expect(await relayJobsOf(fan.id)).toHaveLength(2);
    }
    // Telegram redelivers the one not acknowledged: it goes through once.
    const victimUpdate = updates[fans.indexOf(victim)]!;
    expect(await post(victimUpdate)).toBe(200);
    expect(await post(victimUpdate)).toBe(200);
    expect(await creditsOf(victim.id)).toBe(100 - 2 * TEXT_COST);
    expect(await spendsOf(victim.id)).toHaveLength(2);
    expect(await relayJobsOf(victim.id)).toHaveLength(2);
  });
});
