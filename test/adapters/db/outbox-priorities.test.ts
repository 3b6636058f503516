/**
 * Issue 20: what the admin group's budget goes to first. Alerts, then paid fan messages
 * (VIP > Regular > New), then notes in topics, then card edits; within a priority the lanes
 * take turns, so one fan's flood cannot starve the others. Claims through the real store, on
 * SQLite, or Postgres with TEST_DATABASE_URL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { unlockNote } from '../../../src/core/content/notes.js';
import type { Translate } from '../../../src/core/templates.js';
import {
  PRIORITY,
  fanPriority,
  messageLane,
  type NewOutboxJob,
  type OutboxJob,
} from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -1001000000002;
const WORKER = 'w1';
const LEASE = 60_000;
const team = ((key: string) => key) as Translate;

function relay(fanId: number, i: number, priority: number): NewOutboxJob {
  return {
    kind: 'relay.fan',
    target: { type: 'topic', chatId: GROUP, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: i },
    priority,
    fanId,
    dedupeKey: `relay:${fanId}:${i}`,
  };
}

describe('admin group priorities and turns (issue 20)', () => {
  let t: TestDb;
  let store: DbOutboxStore;
  beforeEach(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
  }, 60_000);
  afterEach(async () => {
    await t?.destroy();
  });

  /** Claims one lane head (and up to `followers` of its lane), marks them sent. */
  async function serveOne(followers = 0): Promise<OutboxJob[]> {
    const [head] = await store.claim({
      workerId: WORKER,
      leaseMs: LEASE,
      limit: 1,
      excludeChatIds: [],
      privateChats: false,
    });
    if (!head) return [];
    const jobs = [head, ...(await store.claimFollowers(head, WORKER, LEASE, followers))];
    await store.markSent(
      jobs.map((j) => j.id),
      jobs.map(() => null),
    );
    return jobs;
  }

  it('alerts, then VIP, Regular and New fans, then notes, then card edits', async () => {
    const fan = 800_000_000;
    await store.enqueue([
      {
        kind: 'card.edit',
        target: { type: 'chat', chatId: GROUP },
        lane: messageLane(GROUP, 55),
        method: 'editMessageText',
        params: { message_id: 55, text: 'card' },
        priority: PRIORITY.background,
        fanId: fan,
      },
      unlockNote(team, GROUP, { id: fan + 1, firstName: 'A' }, { id: 1, title: 'x' }, '5'),
      unlockNote(team, GROUP, { id: fan + 2, firstName: 'B' }, { id: 1, title: 'x' }, '5'),
      relay(fan + 3, 1, fanPriority({})),
      relay(fan + 4, 1, fanPriority({ tier: 'regular' })),
      relay(fan + 5, 1, fanPriority({ tier: 'vip' })),
      {
        kind: 'alert',
        target: { type: 'chat', chatId: GROUP },
        method: 'sendMessage',
        params: { text: 'dispute' },
        priority: PRIORITY.alert,
      },
    ]);
    const order: string[] = [];
    for (let served = await serveOne(); served.length > 0; served = await serveOne())
      order.push(served.map((j) => (j.kind === 'relay.fan' ? `relay:${j.priority}` : j.kind))[0]!);
    expect(order).toEqual([
      'alert',
      `relay:${PRIORITY.vipFan}`,
      `relay:${PRIORITY.payingFan}`,
      `relay:${PRIORITY.fan}`,
      'notice.topic',
      'notice.topic',
      'card.edit',
    ]);
  });

  it('a fan with 600 queued does not hold back 10 fans who write after', async () => {
    const flooder = 800_100_000;
    const others = Array.from({ length: 10 }, (_, i) => 800_200_000 + i);
    const flood = Array.from({ length: 600 }, (_, i) => relay(flooder, i, fanPriority({})));
    await store.enqueue(flood);
    let floodServed = (await serveOne(4)).length;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.enqueue(others.map((fan) => relay(fan, 1, fanPriority({}))));
    const waiting = new Set(others);
    while (waiting.size > 0 && floodServed < 600) {
      for (const job of await serveOne(4)) {
        if (job.fanId === flooder) floodServed++;
        else waiting.delete(job.fanId!);
      }
    }
    expect(waiting.size).toBe(0);
    // Every other fan had their first message relayed before the flooder's 30th.
    expect(floodServed).toBeLessThan(30);
  });
});
