/**
 * The lost-sales line with two instances on one database (two pools on Postgres): a
 * redelivered message counts once, concurrent flushes post one line per window and edit it
 * once per count, and the next window gets a line of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { createLostSalesStore } from '../../../src/adapters/db/lost-sales-store.js';
import { createOutboxStore } from '../../../src/adapters/db/outbox-store.js';
import { loadMessageCatalog } from '../../../src/config/message-templates.js';
import type { FanAccount } from '../../../src/core/fan-account.js';
import {
  flushLostSale,
  lostSaleWindow,
  recordLostSale,
  type LostSalesDeps,
} from '../../../src/core/relay/lost-sales.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

const ADMIN_CHAT = -1001234567890;
const FAN = 4242;

const account: FanAccount = {
  fanId: FAN,
  firstName: 'Maya',
  lastName: null,
  username: 'maya',
  languageCode: 'en',
  tier: 'new',
  credits: 0,
  bankedSeconds: 0,
  passStartedAt: null,
  passEndsAt: null,
  totalSpentCents: 0,
  messageCount: 0,
  firstSeen: new Date('2026-12-01T10:00:00Z'),
  banned: false,
  blocked: false,
  frozen: false,
  lastTopUpBalance: 0,
  topic: null,
};

function instance(db: Db): LostSalesDeps {
  return {
    store: createLostSalesStore(db),
    outbox: createOutboxStore(db),
    accounts: { get: async (fanId) => (fanId === FAN ? account : null) },
    windowMinutes: async () => 60,
    t: loadMessageCatalog().forLanguage('en'),
    adminChatId: ADMIN_CHAT,
  };
}

describe('lost-sales lines on one database, two instances', () => {
  let t: TestDb;
  let second: Db | undefined;
  let a: LostSalesDeps;
  let b: LostSalesDeps;
  beforeAll(async () => {
    t = await createMigratedTestDb();
    second = t.dialect === 'postgres' ? createDb(t.url, { poolMax: 4 }) : undefined;
    a = instance(t.db);
    b = instance(second ?? t.db);
  });
  afterAll(async () => {
    await second?.destroy();
    await t?.destroy();
  });

  /** The outbox jobs of the fan's lines, oldest first. */
  async function jobs() {
    const outbox = createOutboxStore(t.db);
    const rows = (await t
      .db('outbox')
      .where('dedupe_key', 'like', `lost_sale:${FAN}:%`)
      .orderBy('id')
      .select('id')) as Array<{ id: number }>;
    return Promise.all(rows.map(async (row) => (await outbox.get(Number(row.id)))!));
  }
  const textOf = (job: { params: Record<string, unknown> }) => job.params.text as string;

  it('posts one line per window, edited once per new count', async () => {
    const at = new Date('2026-12-06T21:10:00Z');
    const attempt = (messageId: number, minutes: number) => ({
      fanId: FAN,
      messageId,
      at: new Date(at.getTime() + minutes * 60_000),
    });
    // Message 1 is recorded twice (a redelivered update), by both instances.
    await Promise.all([recordLostSale(a, attempt(1, 0)), recordLostSale(b, attempt(1, 0))]);
    await recordLostSale(a, attempt(2, 1));
    const flushed = await Promise.all([flushLostSale(a, FAN, at), flushLostSale(b, FAN, at)]);
    expect(flushed.filter((r) => r === 'posted').length).toBeGreaterThanOrEqual(1);
    let rows = await jobs();
    expect(rows).toHaveLength(1);
    expect(textOf(rows[0]!)).toContain('Maya (@maya, id 4242) tried to write 2 times');

    // Still queued: the line cannot be edited yet.
    await recordLostSale(b, attempt(3, 2));
    expect(await flushLostSale(a, FAN, at)).toBe('wait');

    // Sent: both instances flush, one edit for the count of 3.
    const outbox = createOutboxStore(t.db);
    await outbox.markSent([rows[0]!.id], [777]);
    const edits = await Promise.all([flushLostSale(a, FAN, at), flushLostSale(b, FAN, at)]);
    expect(edits.sort()).toEqual(['edited', 'unchanged']);
    rows = await jobs();
    expect(rows.map((r) => r.method)).toEqual(['sendMessage', 'editMessageText']);
    expect(rows[1]!.params.message_id).toBe(777);
    expect(textOf(rows[1]!)).toContain('tried to write 3 times');
    expect(await flushLostSale(b, FAN, at)).toBe('unchanged');

    // The next window: a new line of its own.
    const later = new Date(lostSaleWindow(at, 60).end.getTime() + 5 * 60_000);
    await recordLostSale(a, { fanId: FAN, messageId: 9, at: later });
    expect(await flushLostSale(a, FAN, later)).toBe('posted');
    rows = await jobs();
    expect(rows.map((r) => r.method)).toEqual(['sendMessage', 'editMessageText', 'sendMessage']);
    expect(textOf(rows[2]!)).toContain('tried to write once');
  });
});
