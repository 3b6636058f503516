/**
 * Issue 13 item 5, the rest of it: an album reaches the other side as one album. A team
 * album in a fan's topic reaches the fan in one copyMessages call (Telegram keeps the album
 * only when its items are copied together), also when its updates land on two instances; a
 * fan album larger than the group budget left waits for room and arrives whole instead of
 * being split into two albums. The real runtime against the Telegram simulator, on SQLite
 * or Postgres (two instances behind a round-robin proxy on Postgres).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import type { TelegramSimulator } from '../../../src/sandbox/telegram/index.js';
import { testDialect } from '../../helpers/db.js';
import { WEBHOOK_SECRET, startHarness, type Harness } from './harness.js';
import {
  botMessages,
  fanWithTopic,
  relayed,
  seedProducts,
  startFanHarness,
} from './fan-harness.js';

const ALBUM = [
  { kind: 'photo' as const, caption: 'look' },
  { kind: 'photo' as const },
  { kind: 'photo' as const },
];

/** The copyMessages calls the bot made into `chatId`. */
function batchCallsTo(sim: TelegramSimulator, chatId: number) {
  return sim.control
    .calls({ method: 'copyMessages' })
    .filter((c) => c.params.chat_id === chatId && c.outcome === 'ok');
}

/** Waits for the team album in the fan's chat and checks it arrived as one album. */
async function expectAlbumAtFan(sim: TelegramSimulator, fanId: number, batchesBefore: number) {
  const photos = () => botMessages(sim, fanId).filter((m) => m.kind === 'photo');
  await sim.control.waitFor(() => photos().length === ALBUM.length, 15_000, 'the team album');
  const groups = new Set(photos().map((m) => m.mediaGroupId));
  expect(groups.size).toBe(1);
  expect([...groups][0]).toBeDefined();
  expect(photos()[0]!.caption).toBe('look');
  expect(batchCallsTo(sim, fanId)).toHaveLength(batchesBefore + 1);
  expect(
    sim.control.calls({ method: 'copyMessage' }).filter((c) => c.params.chat_id === fanId),
  ).toHaveLength(0);
}

describe('a team album reaches the fan as an album', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('the items of an album the team posts in a topic go to the fan in one copyMessages call', async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic } = await fanWithTopic(h, 'Ada', 5);
    const before = batchCallsTo(sim, fan.id).length;
    sim.control.adminSendsAlbumInTopic(ownerId, adminChatId, topic.threadId, ALBUM);
    await expectAlbumAtFan(sim, fan.id, before);
    // One chat action for the album, not one per item.
    const actions = sim.control
      .calls({ method: 'sendChatAction' })
      .filter((c) => c.params.chat_id === fan.id);
    expect(actions).toHaveLength(1);
  });
});

describe('a fan album larger than the group budget left', () => {
  let h: Harness;
  beforeAll(async () => {
    // A 3-second group window, so the budget runs out and comes back within the test; a
    // hold that outlasts the album's six updates even on a busy database.
    h = await startFanHarness({ timeScale: 0.05, fan: { albumHoldMs: 1_000 } });
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('waits for room for the whole album and arrives as one album, never split in two', async () => {
    const { sim, adminChatId } = h;
    const busy = await fanWithTopic(h, 'Busy', 40);
    const albie = await fanWithTopic(h, 'Albie', 30);
    // A backlog that keeps the group's 20/min window full while the album is due.
    for (let i = 0; i < 24; i++) sim.control.fanSendsText(busy.fan.id, `busy ${i}`);
    const items = Array.from({ length: 6 }, () => ({ kind: 'photo' as const }));
    sim.control.fanSendsAlbum(albie.fan.id, items);
    const photos = () =>
      relayed(sim, adminChatId, albie.topic.threadId).filter((m) => m.kind === 'photo');
    await sim.control.waitFor(() => photos().length === items.length, 30_000, 'the album');
    expect(new Set(photos().map((m) => m.mediaGroupId)).size).toBe(1);
    const albumCalls = batchCallsTo(sim, adminChatId).filter(
      (c) => c.params.message_thread_id === albie.topic.threadId,
    );
    expect(albumCalls).toHaveLength(1);
    expect(albumCalls[0]!.params.message_ids).toHaveLength(items.length);
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, busy.topic.threadId).length === 25,
      30_000,
      'the backlog',
    );
  });
});

describe('a team album whose updates land on two instances', () => {
  const harnesses: Harness[] = [];
  let secondPool: Db | undefined;
  let proxy: http.Server | undefined;
  beforeAll(async () => {
    const first = await startFanHarness();
    harnesses.push(first);
    await seedProducts(first);
    if (testDialect === 'postgres') {
      secondPool = createDb(first.testDb.url, { poolMax: 4 });
      const second = await startHarness({
        sim: first.sim,
        admin: { chatId: first.adminChatId, ownerId: first.ownerId },
        testDb: { ...first.testDb, db: secondPool, destroy: async () => {} },
        mode: 'none',
        freeMessages: false,
        fan: { albumHoldMs: 300, balanceBarDelayMs: 150, cardRefreshMs: 200, settingsTtlMs: 0 },
      });
      harnesses.push(second);
      await second.runtime.start();
    }
    // A load balancer: each webhook delivery goes to the next instance in turn.
    let next = 0;
    proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = harnesses[next++ % harnesses.length]!.runtime.app;
        void target
          .inject({
            method: 'POST',
            url: '/telegram-webhook',
            headers: req.headers,
            payload: Buffer.concat(chunks),
          })
          .then((answer) => {
            res.writeHead(answer.statusCode, { 'content-type': 'application/json' });
            res.end(answer.body);
          });
      });
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    await first.sim.callApi('setWebhook', {
      url: `http://127.0.0.1:${port}/telegram-webhook`,
      secret_token: WEBHOOK_SECRET,
    });
  }, 60_000);
  afterAll(async () => {
    expect(harnesses[0]!.sim.control.violations()).toEqual([]);
    for (const h of [...harnesses].reverse()) await h.close();
    await secondPool?.destroy();
    await new Promise((resolve) => proxy?.close(resolve));
  });

  const title =
    testDialect === 'postgres'
      ? 'items handled by two instances still reach the fan in one copyMessages call'
      : 'SQLite (single instance): the album reaches the fan in one copyMessages call';

  it(title, async () => {
    const h = harnesses[0]!;
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic } = await fanWithTopic(h, 'Twin', 5);
    const before = batchCallsTo(sim, fan.id).length;
    sim.control.adminSendsAlbumInTopic(ownerId, adminChatId, topic.threadId, ALBUM);
    await expectAlbumAtFan(sim, fan.id, before);
  });
});
