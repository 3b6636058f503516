/**
 * Issue 17 (with issue 20's round-robin): claiming a group lane's head makes the lane's next
 * job due at the claim (it queues behind the heads already waiting); the followers and album
 * items claimed with a head push the job after the last of them, once — they do not push one
 * another (each push moved index entries, only for the last to matter). On SQLite, or
 * Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxStore, type DbOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import type { NewOutboxJob } from '../../../src/core/traffic/outbox.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const GROUP = -100_4242;
const LEASE = 60_000;

describe('claim turns (issues 17 and 20)', () => {
  let t: TestDb;
  let store: DbOutboxStore;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    store = createOutboxStore(t.db);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  /** A relay of `fanId`'s message `n`, due a minute ago plus `n` ms (distinct, in the past). */
  function relay(fanId: number, n: number, albumKey?: string): NewOutboxJob {
    return {
      kind: 'relay.fan',
      target: { type: 'topic', chatId: GROUP, fanId },
      method: 'copyMessage',
      params: { from_chat_id: fanId, message_id: n },
      fanId,
      dedupeKey: `turns:${fanId}:${n}`,
      notBefore: new Date(Date.now() - 60_000 + n),
      ...(albumKey ? { albumKey } : {}),
    };
  }

  const dueOf = async (id: number) => (await store.get(id))!.availableAt.getTime();

  it('a head claimed pushes the next job; its followers push only the job after the last of them', async () => {
    const ids = await store.enqueue([1, 2, 3, 4, 5, 6].map((n) => relay(701, n)));
    const before = await Promise.all(ids.map(dueOf));
    const [head] = await store.claim({
      workerId: 'w1',
      leaseMs: LEASE,
      limit: 1,
      excludeChatIds: [GROUP - 1],
      privateChats: false,
    });
    expect(head!.id).toBe(ids[0]);
    // The head's claim made the next job due at the claim.
    expect(await dueOf(ids[1]!)).toBeGreaterThan(before[1]!);
    const followers = await store.claimFollowers(head!, 'w1', LEASE, 3);
    expect(followers.map((j) => j.id)).toEqual(ids.slice(1, 4));
    // The followers did not push one another…
    expect(await dueOf(ids[2]!)).toBe(before[2]);
    expect(await dueOf(ids[3]!)).toBe(before[3]);
    // …the job after the last of them was pushed, the one after it was not.
    expect(await dueOf(ids[4]!)).toBeGreaterThan(before[4]!);
    expect(await dueOf(ids[5]!)).toBe(before[5]);
  });

  it("an album's items claimed with their head push the job after the album once", async () => {
    const album = 'turns-album';
    const ids = await store.enqueue([
      relay(702, 1, album),
      relay(702, 2, album),
      relay(702, 3, album),
      relay(702, 4),
      relay(702, 5),
    ]);
    const before = await Promise.all(ids.map(dueOf));
    const heads = await store.claim({
      workerId: 'w2',
      leaseMs: LEASE,
      limit: 10,
      excludeChatIds: [],
      privateChats: false,
    });
    const head = heads.find((j) => j.id === ids[0]);
    expect(head).toBeDefined();
    const items = await store.claimAlbum(head!, 'w2', LEASE);
    expect(items.map((j) => j.id)).toEqual(ids.slice(1, 3));
    expect(await dueOf(ids[2]!)).toBe(before[2]);
    expect(await dueOf(ids[3]!)).toBeGreaterThan(before[3]!);
    expect(await dueOf(ids[4]!)).toBe(before[4]);
  });
});
