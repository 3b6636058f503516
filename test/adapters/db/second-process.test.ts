/**
 * A second process writing to the same database while `serve` works, the way `payments
 * reconcile` or `backup` share DATABASE_URL: on SQLite a child process with its own
 * connection to the file, on Postgres a second pool. Read-then-write transactions (gifts,
 * auto-recharge attempts) must wait for the other writer, never fail at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/adapters/db/knex.js';
import { createLedgerStore, type DbLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import { createPaymentStore } from '../../../src/adapters/db/payment-store.js';
import { BEGIN_RETRY, retryBusy } from '../../../src/adapters/db/sqlite-client.js';
import { parseDatabaseUrl } from '../../../src/config/database-url.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const FANS = 20;
const ROUNDS = 10;

/** Commits small write transactions on its own connection until stopped (stdin closes). */
const SQLITE_WRITER = `
import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
db.exec('CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)');
const write = db.transaction((n) => db.prepare('INSERT INTO other_writes (n) VALUES (?)').run(n));
let n = 0;
let stopped = false;
process.stdin.on('end', () => { stopped = true; }).resume();
process.stdout.write('ready\\n');
const loop = () => { if (stopped) { db.close(); return; } write(++n); setImmediate(loop); };
loop();
`;

interface OtherWriter {
  stop(): Promise<void>;
}

async function startSqliteWriter(filename: string): Promise<OtherWriter> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--input-type=module', '-e', SQLITE_WRITER, filename],
    { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await once(child.stdout!, 'data');
  return {
    async stop() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function startPoolWriter(url: string): OtherWriter {
  const other = createDb(url);
  let stopped = false;
  const loop = (async () => {
    await other.schema.createTable('other_writes', (t) => t.integer('n'));
    for (let n = 0; !stopped; n++) await other('other_writes').insert({ n });
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await other.destroy();
    },
  };
}

describe('a second process writing to the same database', () => {
  let t: TestDb;
  let ledger: DbLedgerStore;
  let productId = 0;
  const fans = Array.from({ length: FANS }, (_, i) => 9_300_000_000 + i);

  beforeAll(async () => {
    t = await createMigratedTestDb();
    ledger = createLedgerStore(t.db);
    for (const id of fans) await ledger.ensureUser({ id, username: `p${id}`, firstName: 'P' });
    const rows = (await t
      .db('products')
      .insert({ label: '10 credits', type: 'credits', amount: 10, price_cents: 500 })
      .returning('id')) as Array<{ id: number } | number>;
    const first = rows[0]!;
    productId = typeof first === 'object' ? Number(first.id) : Number(first);
  });

  afterAll(async () => {
    await t?.destroy();
  });

  it('gifts and auto-recharge attempts all commit while the other process writes', async () => {
    const target = parseDatabaseUrl(t.url);
    const writer =
      target.dialect === 'sqlite'
        ? await startSqliteWriter(target.filename)
        : startPoolWriter(t.url);
    const payments = createPaymentStore(t.db);
    const work: Array<Promise<unknown>> = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const fan of fans) {
          work.push(ledger.grantCredits(fan, 1, `gift:${fan}:${round}`, { kind: 'gift' }));
        }
      }
      for (const fan of fans) {
        work.push(payments.startRechargeAttempt(fan, productId, new Date(0)));
      }
      const results = await Promise.allSettled(work);
      const failures = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : [],
      );
      expect(failures).toEqual([]);
    } finally {
      await writer.stop();
    }
    const written = (await t.db('other_writes').count({ n: '*' }).first()) as { n: unknown };
    expect(Number(written.n)).toBeGreaterThan(0);
    for (const fan of fans) {
      expect((await ledger.balance(fan)).credits).toBe(ROUNDS);
      expect(await ledger.sumLedger(fan)).toMatchObject({ credits: ROUNDS });
    }
    const attempts = (await t.db('auto_recharge_attempts').whereIn('user_id', fans)) as unknown[];
    expect(attempts).toHaveLength(FANS);
  });
});

describe('retryBusy', () => {
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  it('retries a BEGIN refused as busy with growing waits, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryBusy(
      async () => {
        calls += 1;
        if (calls < 3) throw busy;
        return 'begun';
      },
      async (ms) => void waits.push(ms),
    );
    expect(result).toBe('begun');
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThanOrEqual(BEGIN_RETRY.firstDelayMs);
  });

  it('gives up after a bounded number of attempts, and never retries other errors', async () => {
    let calls = 0;
    const always = retryBusy(
      async () => {
        calls += 1;
        throw busy;
      },
      async () => {},
    );
    await expect(always).rejects.toBe(busy);
    expect(calls).toBe(BEGIN_RETRY.attempts);
    const other = new Error('no such table');
    let otherCalls = 0;
    await expect(
      retryBusy(
        async () => {
          otherCalls += 1;
          throw other;
        },
        async () => {},
      ),
    ).rejects.toBe(other);
    expect(otherCalls).toBe(1);
  });
});
