/**
 * Issue 17: the fan message intake's group commit (src/adapters/db/intake-batches.ts).
 * Intakes asked for together run one after another in one transaction, and each caller hears
 * of its result only after that transaction's COMMIT; an item that fails rolls the batch back
 * and every item is run again alone, so no other item's result is lost or changed. Through
 * the store's port with the work a paid text does (spend, count, relay job); on SQLite, or
 * Postgres with TEST_DATABASE_URL.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanMessageStore } from '../../../src/adapters/db/fan-message-store.js';
import { INTAKE_BATCH } from '../../../src/adapters/db/intake-batches.js';
import { createLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { createUpdateStore } from '../../../src/adapters/db/update-store.js';
import type { FanMessageStore } from '../../../src/core/relay/ports.js';
import { UpdateAlreadyProcessed } from '../../../src/core/traffic/ports.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const ADMIN_CHAT = -100_777;
const COST = 2;

interface Text {
  fanId: number;
  updateId: number;
  messageId: number;
}

describe('the fan message intake in batches', () => {
  let t: TestDb;
  let store: FanMessageStore;
  let updates: ReturnType<typeof createUpdateStore>;
  let outbox: ReturnType<typeof createOutboxStore>;
  let ledger: ReturnType<typeof createLedgerStore>;
  let nextFan = 8_100_001;
  let nextUpdate = 610_000_000;
  let nextMessage = 1;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    ledger = createLedgerStore(t.db);
    outbox = createOutboxStore(t.db);
    updates = createUpdateStore(t.db, 42);
    store = createFanMessageStore(t.db, { ledger, outbox, updates });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const sqlite = () => t.dialect === 'sqlite';

  async function fans(n: number, credits = 100): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = nextFan++;
      await ledger.ensureUser({ id, firstName: `F${id}` });
      await ledger.grantCredits(id, credits, `grant:${id}`);
      ids.push(id);
    }
    return ids;
  }

  const text = (fanId: number): Text => ({
    fanId,
    updateId: nextUpdate++,
    messageId: nextMessage++,
  });

  /**
   * A paid text's work, as the use case does it: the spend (counting the message), then its
   * relay job. `fail` throws after both were written, the way a failing statement would.
   */
  function paidText(m: Text, options: { fail?: () => boolean; runs?: Map<number, number> } = {}) {
    return store.inTransaction(
      { id: m.fanId, firstName: `F${m.fanId}` },
      async (tx) => {
        options.runs?.set(m.updateId, (options.runs.get(m.updateId) ?? 0) + 1);
        const spendKey = `spend:${m.fanId}:${m.messageId}`;
        const spent = await tx.spend(
          COST,
          spendKey,
          { reference: `message:${m.messageId}` },
          new Date(),
        );
        await tx.enqueue([
          {
            kind: 'relay.fan',
            target: { type: 'topic', chatId: ADMIN_CHAT, fanId: m.fanId },
            method: 'copyMessage',
            params: { from_chat_id: m.fanId, message_id: m.messageId },
            dedupeKey: `relay:fan:${m.fanId}:${m.messageId}`,
            fanId: m.fanId,
            spendKey,
          },
        ]);
        if (options.fail?.()) throw new Error(`injected failure for update ${m.updateId}`);
        return spent;
      },
      m.updateId,
    );
  }

  /** Runs `work` and returns the statements it ran, in `log` (where `work` may add its own). */
  async function watched<T>(work: (log: string[]) => Promise<T>) {
    const log: string[] = [];
    const onQuery = (q: { sql: string }) => log.push(q.sql.trim());
    t.db.on('query', onQuery);
    try {
      const result = await work(log);
      return { result, log };
    } finally {
      t.db.removeListener('query', onQuery);
    }
  }

  const begins = (log: string[]) => log.filter((s) => /^begin/i.test(s)).length;

  async function ledgerOf(fanId: number) {
    const rows = (await t
      .db('credit_ledger')
      .where({ user_id: fanId, kind: 'spend' })
      .select('idempotency_key')) as Array<{ idempotency_key: string }>;
    return rows.map((r) => r.idempotency_key);
  }

  async function relayJobsOf(fanId: number) {
    const rows = (await t
      .db('outbox')
      .where({ fan_id: fanId, kind: 'relay.fan' })
      .select('id', 'dedupe_key')) as Array<{ id: number; dedupe_key: string }>;
    return rows.map((r) => ({ id: Number(r.id), dedupeKey: r.dedupe_key }));
  }

  async function creditsOf(fanId: number) {
    return (await ledger.balance(fanId)).credits;
  }

  /** What the intake hears: the update was recorded in its handler's transaction. */
  const takenByIntake = (updateId: number) => updates.takeRecordedInHandler?.(updateId) ?? false;
  /** The jobs announced to this process's outbox worker since the last look. */
  const announced = () => outbox.takeEnqueued?.() ?? { jobs: [], unknown: false };

  const recorded = async (updateId: number) =>
    (await t.db('telegram_updates').where({ update_id: updateId })).length;

  it('texts asked for together commit in one transaction; each caller hears after its COMMIT', async () => {
    // As many as one batch takes before another starts beside it on Postgres.
    const ids = await fans(INTAKE_BATCH.waitingPerBatch);
    const texts = ids.map(text);
    // SQLite: another connection sees what is committed (Postgres: the log's order shows it).
    const observer = sqlite()
      ? new Database(t.url.replace(/^sqlite:/, ''), { readonly: true, fileMustExist: true })
      : null;
    const committed = observer?.prepare(
      'SELECT count(*) AS n FROM telegram_updates WHERE update_id = ?',
    );
    const seenWhenHeard: number[] = [];
    try {
      const { log, result } = await watched((events) =>
        Promise.all(
          texts.map((m, i) =>
            paidText(m).then((spent) => {
              events.push(`<heard ${i}>`);
              const row = committed?.get(m.updateId) as { n: number } | undefined;
              seenWhenHeard.push(row?.n ?? 1);
              return spent;
            }),
          ),
        ),
      );
      expect(result.map((r) => r.credits)).toEqual(texts.map(() => 100 - COST));
      expect(begins(log)).toBe(1);
      // Nobody hears of their text before its COMMIT, which another connection then sees.
      expect(seenWhenHeard).toEqual(texts.map(() => 1));
      const firstHeard = log.findIndex((s) => s.startsWith('<heard'));
      expect(log[firstHeard - 1]).toMatch(/^commit/i);
      expect(log.filter((s) => /^(rollback|savepoint)/i.test(s))).toEqual([]);
    } finally {
      observer?.close();
    }
    for (const m of texts) {
      expect(await ledgerOf(m.fanId)).toEqual([`spend:${m.fanId}:${m.messageId}`]);
      expect(await relayJobsOf(m.fanId)).toHaveLength(1);
      expect(await recorded(m.updateId)).toBe(1);
      expect(takenByIntake(m.updateId)).toBe(true);
    }
  });

  it(`a batch takes at most ${INTAKE_BATCH.maxItems} texts: the rest commit in the next`, async () => {
    const ids = await fans(INTAKE_BATCH.maxItems + 4);
    const texts = ids.map(text);
    const { log } = await watched(() => Promise.all(texts.map((m) => paidText(m))));
    expect(begins(log)).toBeGreaterThanOrEqual(2);
    expect(begins(log)).toBeLessThan(texts.length);
    for (const m of texts) expect(await creditsOf(m.fanId)).toBe(100 - COST);
  });

  it('on Postgres, texts left waiting by the running batch run in another beside it (SQLite: never)', async () => {
    // Fewer than one batch takes (16), more than one leaves waiting before another starts.
    const ids = await fans(3 * INTAKE_BATCH.waitingPerBatch);
    const texts = ids.map(text);
    /** Per transaction, when (in statements seen) it began and ended. */
    const spans = new Map<string, { from: number; to: number }>();
    let seen = 0;
    const onQuery = (q: { sql: string; __knexTxId?: string }) => {
      seen += 1;
      if (!q.__knexTxId) return;
      const span = spans.get(q.__knexTxId) ?? { from: seen, to: seen };
      span.to = seen;
      spans.set(q.__knexTxId, span);
    };
    t.db.on('query', onQuery);
    try {
      await Promise.all(texts.map((m) => paidText(m)));
    } finally {
      t.db.removeListener('query', onQuery);
    }
    const all = [...spans.values()];
    const overlapping = all.filter((a) =>
      all.some((b) => b !== a && b.from < a.to && a.from < b.to),
    );
    // SQLite has one connection: its batches run one after another.
    if (sqlite()) expect(overlapping, JSON.stringify(all)).toEqual([]);
    else expect(overlapping.length, JSON.stringify(all)).toBeGreaterThanOrEqual(2);
    for (const m of texts) expect(await creditsOf(m.fanId)).toBe(100 - COST);
  });

  it('on Postgres, a batch records and locks its texts in one statement, and spends and queues their relays in one more', async () => {
    const ids = await fans(INTAKE_BATCH.waitingPerBatch);
    const texts = ids.map(text);
    const { log, result } = await watched(() => Promise.all(texts.map((m) => paidText(m))));
    expect(result).toEqual(texts.map(() => ({ credits: 100 - COST, duplicate: false })));
    expect(begins(log)).toBe(1);
    const inBatch = log.slice(
      log.findIndex((s) => /^begin/i.test(s)) + 1,
      log.findIndex((s) => /^commit/i.test(s)),
    );
    // Postgres: the updates' records with the fans' locked reads; the spends (entries and
    // balances) with the relay jobs — two statements whatever the number of texts. SQLite's
    // statements are function calls: the record, the read, the entry and the balance per text.
    expect(inBatch.length, inBatch.join('\n')).toBe(sqlite() ? 4 * texts.length + 1 : 2);
    if (!sqlite()) {
      expect(inBatch[1]).toMatch(
        /^WITH v .* e AS \(INSERT INTO credit_ledger .* o AS \(INSERT INTO outbox /s,
      );
    }
    for (const m of texts) {
      expect(await creditsOf(m.fanId)).toBe(100 - COST);
      expect(await ledgerOf(m.fanId)).toEqual([`spend:${m.fanId}:${m.messageId}`]);
      expect(await relayJobsOf(m.fanId)).toHaveLength(1);
      expect(await recorded(m.updateId)).toBe(1);
      expect(takenByIntake(m.updateId)).toBe(true);
    }
  });

  it('a fan never seen before, in a batch with known fans, is inserted there; nothing rolls back', async () => {
    const known = await fans(2);
    const stranger = nextFan++;
    const texts = [text(known[0]!), text(stranger), text(known[1]!)];
    // As the use case does: a text the fan cannot pay for is not spent.
    const payIfAble = (m: Text) =>
      store.inTransaction(
        { id: m.fanId, firstName: `F${m.fanId}` },
        async (tx) => {
          const credits = await tx.credits();
          if (credits < COST) return { credits, duplicate: false };
          return tx.spend(COST, `spend:${m.fanId}:${m.messageId}`, {}, new Date());
        },
        m.updateId,
      );
    const { log, result } = await watched(() => Promise.all(texts.map(payIfAble)));
    expect(result.map((r) => r.credits)).toEqual([100 - COST, 0, 100 - COST]);
    expect(begins(log)).toBe(1);
    expect(log.filter((s) => /^rollback/i.test(s))).toEqual([]);
    expect(await t.db('users').where({ id: stranger }).first('id')).toBeDefined();
    expect(await ledgerOf(stranger)).toEqual([]);
    for (const m of texts) {
      expect(await recorded(m.updateId)).toBe(1);
      expect(takenByIntake(m.updateId)).toBe(true);
    }
    for (const id of known) expect(await creditsOf(id)).toBe(100 - COST);
  });

  it('a text already paid for under another update is charged once, in a batch as alone', async () => {
    const ids = await fans(3);
    const texts = ids.map(text);
    const paid = texts[1]!;
    // Its spend was written before (an earlier update of the same message, its record gone).
    await ledger.spendCredits(paid.fanId, COST, `spend:${paid.fanId}:${paid.messageId}`);
    const { log, result } = await watched(() => Promise.all(texts.map((m) => paidText(m))));
    expect(result).toEqual(texts.map((m) => ({ credits: 100 - COST, duplicate: m === paid })));
    // Postgres held the spends back: the one not written as decided rolled the batch back,
    // and its texts ran again alone, where a taken key is a duplicate.
    if (!sqlite()) expect(log.filter((s) => /^rollback/i.test(s)).length).toBeGreaterThanOrEqual(1);
    for (const m of texts) {
      expect(await creditsOf(m.fanId)).toBe(100 - COST);
      expect(await ledgerOf(m.fanId)).toEqual([`spend:${m.fanId}:${m.messageId}`]);
      expect(await relayJobsOf(m.fanId)).toHaveLength(1);
      expect(await recorded(m.updateId)).toBe(1);
    }
  });

  it('a redelivered update in the same batch is charged once, and the batch goes on', async () => {
    const [a, b] = await fans(2);
    const first = text(a!);
    const again = { ...first };
    const other = text(b!);
    const { log, result } = await watched(() =>
      Promise.allSettled([paidText(first), paidText(again), paidText(other)]),
    );
    const [charged, stopped] = [result[0]!, result[1]!];
    expect(charged).toMatchObject({ status: 'fulfilled', value: { credits: 100 - COST } });
    expect(stopped).toMatchObject({ status: 'rejected' });
    expect((stopped as PromiseRejectedResult).reason).toBeInstanceOf(UpdateAlreadyProcessed);
    expect(result[2]).toMatchObject({ status: 'fulfilled', value: { credits: 100 - COST } });
    // Caught by the update's record, inside the batch: nothing rolled back.
    expect(begins(log)).toBe(1);
    expect(log.filter((s) => /^rollback/i.test(s))).toEqual([]);
    expect(await creditsOf(a!)).toBe(100 - COST);
    expect(await ledgerOf(a!)).toEqual([`spend:${a}:${first.messageId}`]);
    expect(await relayJobsOf(a!)).toHaveLength(1);
    expect(await recorded(first.updateId)).toBe(1);
    expect(takenByIntake(first.updateId)).toBe(true);
    expect(takenByIntake(first.updateId)).toBe(false);
    expect(await creditsOf(b!)).toBe(100 - COST);
  });

  it('a text whose work fails changes nothing, and every other text of its batch commits once', async () => {
    const ids = await fans(5);
    const texts = ids.map(text);
    const failing = texts[2]!;
    const runs = new Map<number, number>();
    announced();
    const { log, result } = await watched(() =>
      Promise.allSettled(texts.map((m) => paidText(m, { runs, fail: () => m === failing }))),
    );
    for (const [i, r] of result.entries()) {
      if (texts[i] === failing) {
        expect(r.status).toBe('rejected');
        expect(String((r as PromiseRejectedResult).reason)).toMatch(/injected failure/);
      } else expect(r).toMatchObject({ status: 'fulfilled', value: { credits: 100 - COST } });
    }
    // The batch rolled back, and each text it held ran again alone.
    expect(log.filter((s) => /^rollback/i.test(s)).length).toBeGreaterThanOrEqual(1);
    expect(await creditsOf(failing.fanId)).toBe(100);
    expect(await ledgerOf(failing.fanId)).toEqual([]);
    expect(await relayJobsOf(failing.fanId)).toEqual([]);
    expect(await recorded(failing.updateId)).toBe(0);
    // The intake never hears that the failed update was recorded.
    expect(takenByIntake(failing.updateId)).toBe(false);
    const committed: number[] = [];
    for (const m of texts.filter((x) => x !== failing)) {
      expect(await creditsOf(m.fanId)).toBe(100 - COST);
      expect(await ledgerOf(m.fanId)).toEqual([`spend:${m.fanId}:${m.messageId}`]);
      const jobs = await relayJobsOf(m.fanId);
      expect(jobs).toHaveLength(1);
      committed.push(jobs[0]!.id);
      expect(await recorded(m.updateId)).toBe(1);
      expect(takenByIntake(m.updateId)).toBe(true);
    }
    // The worker is told of every committed job (a rolled back one at worst costs it a look).
    const told = new Set(announced().jobs.map((j) => j.id));
    for (const id of committed) expect(told.has(id)).toBe(true);
    expect(runs.get(failing.updateId)).toBe(2);
    expect(Math.max(...runs.values())).toBe(2);
  });

  it('a text that fails only in its batch succeeds when run again alone', async () => {
    const ids = await fans(3);
    const texts = ids.map(text);
    const flaky = texts[1]!;
    let failures = 0;
    const results = await Promise.all(
      texts.map((m) => paidText(m, { fail: () => m === flaky && failures++ === 0 })),
    );
    expect(results.map((r) => r.credits)).toEqual(texts.map(() => 100 - COST));
    for (const m of texts) {
      expect(await ledgerOf(m.fanId)).toEqual([`spend:${m.fanId}:${m.messageId}`]);
      expect(await relayJobsOf(m.fanId)).toHaveLength(1);
    }
  });

  it('two texts of one fan in one batch both spend, one after the other', async () => {
    const [fan] = await fans(1, 3);
    const texts = [text(fan!), text(fan!)];
    const results = await Promise.allSettled(texts.map((m) => paidText(m)));
    // 3 credits pay for one text: the other is refused by the spend, as it would be alone
    // (the second, in the order asked).
    const paid = 0;
    expect(results[paid]).toMatchObject({ status: 'fulfilled', value: { credits: 3 - COST } });
    expect(results[1 - paid]).toMatchObject({ status: 'rejected' });
    expect(await creditsOf(fan!)).toBe(3 - COST);
    expect(await ledgerOf(fan!)).toEqual([`spend:${fan}:${texts[paid]!.messageId}`]);
  });

  it('holding a fan, the intake lets a row that names the fan be written (Postgres)', async () => {
    // The outbox worker writes rows naming a fan (a message's links, a new topic) while the
    // intake holds that fan in a batch; a foreign key's check takes a key-share lock on the
    // fan's row, which `FOR UPDATE` blocked and `FOR NO KEY UPDATE` does not.
    const [fan] = await fans(1);
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const m = text(fan!);
    const held = store.inTransaction(
      { id: fan!, firstName: `F${fan}` },
      async (tx) => {
        const spent = await tx.spend(COST, `spend:${fan}:${m.messageId}`, {}, new Date());
        entered();
        await gate;
        return spent;
      },
      m.updateId,
    );
    await inside;
    const link = {
      fan_id: fan!,
      direction: 'fan',
      fan_message_id: m.messageId,
      topic_chat_id: ADMIN_CHAT,
      topic_message_id: 9,
    };
    if (sqlite()) {
      // One connection: the write waits for the batch's COMMIT, and nothing deadlocks.
      const written = t.db('message_links').insert(link);
      release();
      await Promise.all([held, written]);
    } else {
      await t.db.transaction(async (trx) => {
        await trx.raw(`SET LOCAL lock_timeout = '3s'`);
        await trx('message_links').insert(link);
      });
      release();
      await held;
    }
    const [row] = (await t.db('message_links').where({ fan_id: fan! }).count({ n: '*' })) as [
      { n: unknown },
    ];
    expect(Number(row.n)).toBe(1);
  });
});
