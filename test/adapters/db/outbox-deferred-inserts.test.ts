/**
 * Issue 17: in a batch of the intake's group commit, the texts' relay jobs are held back and
 * written by one multi-row insert before the COMMIT (src/adapters/db/outbox/enqueue.ts,
 * `deferInserts`). What must hold whatever path queues a job: a lane's jobs keep the order
 * they were asked for (ids ascending), a used dedupe key inserts nothing, the workers hear of
 * exactly the rows inserted, and a transaction that holds nothing back inserts at once. On
 * SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deferInserts,
  enqueueDeferred,
  enqueueIn,
  flushInserts,
} from '../../../src/adapters/db/outbox/enqueue.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100_555;

function relay(fanId: number, n: number, albumKey?: string): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: GROUP, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: n },
    fanId,
    dedupeKey: `deferred:${fanId}:${n}`,
    ...(albumKey ? { albumKey } : {}),
  };
}

describe('outbox inserts held back for a batch (issue 17)', () => {
  let t: TestDb;
  let statements: string[] = [];
  const listen = (q: { sql: string }) => statements.push(q.sql.trim());
  beforeAll(async () => {
    t = await createMigratedTestDb();
    t.db.on('query', listen);
  });
  afterAll(async () => {
    t?.db.off('query', listen);
    await t?.destroy();
  });

  const inserts = () => statements.filter((s) => /^insert into outbox/i.test(s));
  /** The message ids a fan's jobs copy, in job id order. */
  const copiesOf = async (fanId: number) =>
    (
      (await t.db('outbox').where('fan_id', fanId).orderBy('id').select('payload')) as Array<{
        payload: string;
      }>
    ).map((r) => (JSON.parse(r.payload) as { params: { message_id: number } }).params.message_id);

  it('writes the held-back jobs of a transaction in one insert, in the order asked', async () => {
    statements = [];
    await t.db.transaction(async (trx) => {
      deferInserts(trx);
      await enqueueDeferred(trx, [relay(1, 1)]);
      await enqueueDeferred(trx, [relay(2, 1)]);
      await enqueueDeferred(trx, [relay(1, 2), relay(1, 3)]);
      // A used dedupe key (asked twice in the batch) inserts nothing the second time.
      await enqueueDeferred(trx, [relay(2, 1)]);
      expect(inserts()).toHaveLength(0);
      await flushInserts(trx);
    });
    expect(inserts()).toHaveLength(1);
    expect(await copiesOf(1)).toEqual([1, 2, 3]);
    expect(await copiesOf(2)).toHaveLength(1);
  });

  it('an insert at once (an album item) first writes what was held back: the lane keeps its order', async () => {
    statements = [];
    await t.db.transaction(async (trx) => {
      deferInserts(trx);
      await enqueueDeferred(trx, [relay(3, 1)]);
      await enqueueDeferred(trx, [relay(3, 2, 'album-1')]);
      await enqueueIn(trx, [relay(3, 3)]);
      await enqueueDeferred(trx, [relay(3, 4)]);
      await flushInserts(trx);
    });
    expect(await copiesOf(3)).toEqual([1, 2, 3, 4]);
  });

  it('a transaction that holds nothing back inserts at once', async () => {
    statements = [];
    await t.db.transaction(async (trx) => {
      await enqueueDeferred(trx, [relay(4, 1)]);
      expect(inserts()).toHaveLength(1);
      await flushInserts(trx);
    });
    expect(inserts()).toHaveLength(1);
    expect(await copiesOf(4)).toHaveLength(1);
  });

  it('jobs queued together are one insert; ids in the order asked, a used key its job’s id', async () => {
    // The balance bars due together (balance-bar.ts): one statement, one commit, not one each.
    const [first] = await enqueueIn(t.db, [relay(6, 1)]);
    statements = [];
    const noKey = (n: number): NewOutboxJob => ({ ...relay(6, n), dedupeKey: undefined });
    const ids = await enqueueIn(t.db, [relay(6, 2), noKey(3), relay(6, 1), noKey(4), relay(6, 2)]);
    expect(inserts()).toHaveLength(1);
    expect(ids[2]).toBe(first);
    expect(ids[4]).toBe(ids[0]);
    const fresh = [ids[0]!, ids[1]!, ids[3]!];
    expect(new Set(fresh).size).toBe(3);
    expect([...fresh].sort((a, b) => a - b)).toEqual(fresh);
    expect(await copiesOf(6)).toEqual([1, 2, 3, 4]);
  });

  it('a rolled-back batch leaves nothing behind', async () => {
    await expect(
      t.db.transaction(async (trx) => {
        deferInserts(trx);
        await enqueueDeferred(trx, [relay(5, 1)]);
        await flushInserts(trx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await copiesOf(5)).toHaveLength(0);
  });
});
