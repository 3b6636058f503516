/**
 * Issue 17: the outbox keeps few indexes (migration `20261211100000_outbox_index_diet`), and
 * every statement the outbox store sends is still served by one — a dropped index a query
 * needs shows here as a walk of the whole table. Each statement is explained with the values
 * it ran with, over a history of sent jobs and a live backlog; the claim turn's look-up too
 * (SQLite: its trigger; Postgres: inside the claims). A walk of a partial index of live
 * jobs (recovery, a migrated chat) is fine: it never reads the history. Not checked:
 * `depth`, which counts the history itself, and `purgeFinished`, which prunes it along the
 * primary key (outbox-purge.test.ts counts what it reads). Plans, never
 * timings. On SQLite, or Postgres with TEST_DATABASE_URL (sequential scans disabled there:
 * the plan shows whether an index *can* serve the statement, whatever the table's size).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000001;
const FANS = Array.from({ length: 20 }, (_, i) => 710_000_000 + i);

function groupJob(fanId: number, key: string, albumKey?: string): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: GROUP, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, key },
    priority: 10,
    dedupeKey: key,
    ...(albumKey ? { albumKey } : {}),
  };
}

function privateJob(fanId: number, key: string): NewOutboxJob {
  return {
    kind: 'notice.fan',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params: { text: key },
    priority: 5,
    dedupeKey: key,
  };
}

/**
 * The walks that are by design: a claim walks its partial index in claim order and stops at
 * its limit; recovery (the jobs left `sending`, at start and every half lease) walks the live
 * jobs — the backlog, never the history.
 */
const CLAIM_INDEX = /^outbox_pending_(group|private)_claim_index$/;
const LIVE_INDEX = /^outbox_(pending|live)_/;
const RECOVERY = /status = 'sending'/;
/** The aliases the outbox's statements give the table. */
const OUTBOX_ALIAS = /^(outbox|[a-z])$/;
describe('outbox statements are index-backed (issue 17)', () => {
  let t: TestDb;
  let store: DbOutboxStore;

  beforeAll(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
    const history: NewOutboxJob[] = [];
    for (let i = 0; i < 1_500; i++) {
      const fan = FANS[i % FANS.length]!;
      history.push(i % 2 ? groupJob(fan, `h:${i}`) : privateJob(fan, `hp:${i}`));
    }
    const ids = await store.enqueue(history);
    await t.db('outbox').whereIn('id', ids).update({ status: 'sent', outcome: 'delivered' });
    const live: NewOutboxJob[] = [];
    for (let i = 0; i < 200; i++) {
      const fan = FANS[i % FANS.length]!;
      live.push(groupJob(fan, `l:${i}`, i % 20 === 0 ? `album:${fan}` : undefined));
      live.push(privateJob(fan, `lp:${i}`));
    }
    await store.enqueue(live);
    await t.db.raw(t.dialect === 'sqlite' ? 'ANALYZE' : 'ANALYZE outbox');
  }, 60_000);
  afterAll(async () => {
    await t?.destroy();
  });

  /** Every statement `work` sends, with its values. */
  async function statementsOf(work: () => Promise<unknown>) {
    const seen: Array<{ sql: string; bindings: unknown[] }> = [];
    const listener = (q: { sql: string; bindings?: unknown[] }) =>
      seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
    t.db.on('query', listener);
    try {
      await work();
    } finally {
      t.db.removeListener('query', listener);
    }
    return seen.filter(({ sql }) => !/^\s*(begin|commit|rollback|notify)/i.test(sql));
  }

  /** May `index` be walked whole by `sql`? */
  const mayWalk = (sql: string, index: string | undefined) =>
    !!index && (CLAIM_INDEX.test(index) || (RECOVERY.test(sql) && LIVE_INDEX.test(index)));

  /** The plan's lines that walk the outbox (its table or an index) instead of seeking in it. */
  async function walksOf(sql: string, bindings: unknown[]): Promise<string[]> {
    const text = sql.replace(/\$\d+/g, '?');
    if (t.dialect === 'sqlite') {
      const plan = (await t.db.raw(`EXPLAIN QUERY PLAN ${text}`, bindings as never[])) as Array<{
        detail: string;
      }>;
      return plan
        .map((r) => r.detail)
        .filter((line) => {
          const access =
            /^(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+)| USING INTEGER PRIMARY KEY)?/.exec(
              line,
            );
          if (!access || !OUTBOX_ALIAS.test(access[2]!)) return false;
          // A SEARCH with neither an index nor the key reads the whole table.
          if (access[1] === 'SEARCH') return !/ USING /.test(line);
          return !mayWalk(sql, access[3]);
        });
    }
    return t.db.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      const plan = (await trx.raw(`EXPLAIN ${text}`, bindings as never[])) as {
        rows: Array<{ 'QUERY PLAN': string }>;
      };
      const lines = plan.rows.map((r) => r['QUERY PLAN']);
      return lines.filter((line, i) => {
        if (/Seq Scan on outbox/.test(line)) return true;
        const index =
          /Index(?: Only)? Scan(?: Backward)? using (\w+) on outbox|Bitmap Index Scan on (\w+)/.exec(
            line,
          );
        if (!index) return false;
        const name = index[1] ?? index[2]!;
        if (name === 'outbox_pkey' || mayWalk(sql, name)) return false;
        // An index read without a condition is walked whole.
        const details = lines.slice(i + 1);
        const end = details.findIndex((l) => l.includes('->'));
        return !details.slice(0, end < 0 ? undefined : end).some((l) => l.includes('Index Cond:'));
      });
    });
  }

  it('serves every statement of the store from an index', async () => {
    const lease = 60_000;
    const statements = await statementsOf(async () => {
      const heads = await store.claim({
        workerId: 'w1',
        leaseMs: lease,
        limit: 4,
        excludeChatIds: [],
        privateChats: false,
      });
      await store.claim({
        workerId: 'w1',
        leaseMs: lease,
        limit: 4,
        excludeChatIds: [FANS[0]!],
        privateChats: true,
      });
      const head = heads[0]!;
      await store.claimFollowers(head, 'w1', lease, 4);
      await store.claimAlbum({ ...head, albumKey: `album:${FANS[0]}` }, 'w1', lease);
      await store.hasQueuedAbove?.(head);
      await store.markAttempt([head.id], 'w1');
      await store.markSent([head.id], [42]);
      await store.retry([heads[1]!.id], {
        availableAt: new Date(),
        countAttempt: true,
        error: 'x',
      });
      await store.finish([heads[2]!.id], 'failed', 'dropped', 'x');
      await store.renew([heads[3]!.id], 'w1', lease);
      await store.nextDueAt();
      await store.nextDueAt(new Date());
      await store.recoverAbandoned({ all: false });
      await store.moveChat(-1001999000000, -1001999000001);
      await store.get(head.id);
      await store.enqueue([groupJob(FANS[1]!, 'new:1'), groupJob(FANS[1]!, 'new:1')]);
      await store.enqueue([groupJob(FANS[2]!, 'new:2', `album:${FANS[2]}`)]);
    });
    expect(statements.length).toBeGreaterThan(15);
    const walks: string[] = [];
    for (const { sql, bindings } of statements) {
      for (const line of await walksOf(sql, bindings))
        walks.push(`${line}\n  in ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    expect(walks).toEqual([]);
  });

  it('serves the claim turn’s look-up of a lane’s next job from an index', async () => {
    if (t.dialect === 'postgres') {
      // Postgres: no trigger (migration 20261212100000); the claims carry the look-up.
      const fn = (await t.db.raw(`SELECT 1 FROM pg_proc WHERE proname = 'outbox_claim_turn'`)) as {
        rows: unknown[];
      };
      expect(fn.rows).toEqual([]);
      const statements = await statementsOf(() =>
        store.claim({
          workerId: 'w2',
          leaseMs: 60_000,
          limit: 2,
          excludeChatIds: [],
          privateChats: false,
        }),
      );
      expect(statements.map((s) => s.sql).join('\n')).toMatch(/turns AS \(/);
      for (const { sql, bindings } of statements) expect(await walksOf(sql, bindings)).toEqual([]);
      return;
    }
    const source = (
      (await t.db.raw(`SELECT sql FROM sqlite_master WHERE name = 'outbox_claim_turn'`)) as [
        { sql: string },
      ]
    )[0].sql;
    const lookup = /SELECT MIN\(o\.id\)[\s\S]*?o\.id > NEW\.id/.exec(source)?.[0];
    expect(lookup).toBeDefined();
    const sql = lookup!.replace('NEW.lane', '?').replace('NEW.id', '?');
    expect(await walksOf(sql, [`${GROUP}:fan:${FANS[3]}`, 0])).toEqual([]);
  });
});
