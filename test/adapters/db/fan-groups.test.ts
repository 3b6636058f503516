/**
 * Overflow admin groups (issue 20) under the intake's batches (issue 17): new fans are spread
 * by the work each group has queued, and that includes the work queued in the same
 * transaction and not inserted yet — the relay jobs a batch holds back until its COMMIT
 * (`deferInserts`), and the jobs of the other new fans of the same call. Otherwise a burst of
 * newcomers arriving together all lands in the primary group. On SQLite, or Postgres with
 * TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deferInserts,
  enqueueDeferred,
  enqueueIn,
  flushInserts,
} from '../../../src/adapters/db/outbox/enqueue.js';
import { fanGroupPlacer } from '../../../src/adapters/db/outbox/fan-groups.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const PRIMARY = -100_701;
const SECOND = -100_702;
const groups = fanGroupPlacer({
  chatIds: [PRIMARY, SECOND],
  rule: { limit: 20, windowMs: 60_000 },
})!;

function relay(fanId: number, n = 1): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: PRIMARY, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: n },
    fanId,
    dedupeKey: `fan-groups:${fanId}:${n}`,
  };
}

describe('new fans spread over the admin groups by the work queued for each', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    await t.db('users').insert([201, 202, 203, 204, 205, 206].map((id) => ({ id })));
  });
  afterAll(async () => {
    await t?.destroy();
  });

  const groupOf = async (fanId: number) =>
    (
      (await t.db('users').where('id', fanId).first('admin_chat_id')) as {
        admin_chat_id: number | string | null;
      }
    ).admin_chat_id;
  const jobsIn = async (chatId: number, fanIds: number[]) =>
    Number(
      (
        (await t.db('outbox').where('chat_id', chatId).whereIn('fan_id', fanIds).count({
          n: '*',
        })) as Array<{ n: number | string }>
      )[0]!.n,
    );

  it('two newcomers in one batch go to different groups (the first one’s held-back job counts)', async () => {
    await t.db.transaction(async (trx) => {
      deferInserts(trx);
      await enqueueDeferred(trx, [relay(201)], groups);
      await enqueueDeferred(trx, [relay(202)], groups);
      await flushInserts(trx);
    });
    expect(Number(await groupOf(201))).toBe(PRIMARY);
    expect(Number(await groupOf(202))).toBe(SECOND);
    expect(await jobsIn(PRIMARY, [201])).toBe(1);
    expect(await jobsIn(SECOND, [202])).toBe(1);
  });

  it('two newcomers in one call go to different groups (the first one’s jobs count)', async () => {
    await t.db.transaction(async (trx) => {
      await enqueueIn(trx, [relay(203), relay(203, 2), relay(204)], groups);
    });
    // 201 and 202 left one job in each group; 203 brings two to the primary.
    expect(Number(await groupOf(203))).toBe(PRIMARY);
    expect(Number(await groupOf(204))).toBe(SECOND);
    expect(await jobsIn(PRIMARY, [203])).toBe(2);
    expect(await jobsIn(SECOND, [204])).toBe(1);
  });

  it('a fan keeps their group whatever is queued later', async () => {
    await t.db.transaction(async (trx) => {
      deferInserts(trx);
      await enqueueDeferred(trx, [relay(205)], groups);
      await enqueueDeferred(trx, [relay(204, 2), relay(204, 3), relay(204, 4)], groups);
      await enqueueDeferred(trx, [relay(206)], groups);
      await flushInserts(trx);
    });
    expect(await jobsIn(SECOND, [204])).toBe(4);
    // 205 arrived to primary 3, second 2; 206 to primary 3, second 2 + 205's + 204's three.
    expect(Number(await groupOf(205))).toBe(SECOND);
    expect(Number(await groupOf(206))).toBe(PRIMARY);
  });
});
