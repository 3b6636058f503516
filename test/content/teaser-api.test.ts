/**
 * The teaser API (`ContentService.sendTeaser`) and the vault store over a real migrated
 * database (SQLite, or Postgres with TEST_DATABASE_URL): an item is stored with its files,
 * its teaser is queued once per dedupe key, unknown and archived items are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentStore } from '../../src/adapters/db/content-store.js';
import { createLedgerStore } from '../../src/adapters/db/ledger-store.js';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { createContentService, type ContentService } from '../../src/core/content/service.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMigratedTestDb, type TestDb } from '../helpers/db.js';

describe('the teaser API', () => {
  let testDb: TestDb;
  let content: ContentService;
  beforeAll(async () => {
    testDb = await createMigratedTestDb();
    const ledger = createLedgerStore(testDb.db);
    content = createContentService({
      store: createContentStore(testDb.db),
      ledger,
      templates: loadMessageCatalog(),
      adminChatId: -100123,
      currency: 'usd',
      logger: silentLogger,
      rails: async () => ({ stripe: true, stars: false }),
    });
    await ledger.ensureUser({ id: 42, firstName: 'Ada', languageCode: 'fr' });
  });
  afterAll(async () => testDb?.destroy());

  it('queues one spoiler teaser per dedupe key, in the fan language, with both buttons', async () => {
    const locked = await content.lock({
      files: [
        { kind: 'photo', fileId: 'p1' },
        { kind: 'video', fileId: 'v1' },
      ],
      args: '30 Beach set --usd 5',
      createdBy: 7,
      chatId: -100123,
      messageIds: [10, 11, 12],
    });
    expect(locked.ok).toBe(true);
    const item = locked.ok ? locked.item : null;
    expect(item).toMatchObject({ title: 'Beach set', priceCredits: 30, priceCents: 500 });
    expect(item!.files).toHaveLength(2);
    const first = await content.sendTeaser({ itemId: item!.id, fanId: 42, dedupeKey: 'drop:1:42' });
    const again = await content.sendTeaser({ itemId: item!.id, fanId: 42, dedupeKey: 'drop:1:42' });
    expect(first.status).toBe('queued');
    expect(again).toEqual(first);
    const rows = (await testDb.db('outbox').where({ dedupe_key: 'drop:1:42' })) as Array<{
      payload: string;
    }>;
    expect(rows).toHaveLength(1);
    const { method, params } = JSON.parse(rows[0]!.payload) as {
      method: string;
      params: {
        has_spoiler: boolean;
        caption: string;
        reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] };
      };
    };
    expect(method).toBe('sendPhoto');
    expect(params.has_spoiler).toBe(true);
    expect(params.caption).toContain('Beach set');
    const buttons = params.reply_markup.inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual([`cu:${item!.id}`, `cp:${item!.id}`]);
    expect(buttons[0]!.text).toBe('🔓 Débloquer pour 30 crédits');
    expect(buttons[1]!.text).toContain('5,00');
  });

  it('refuses an unknown or archived item and queues nothing', async () => {
    expect(await content.sendTeaser({ itemId: 9999, fanId: 42, dedupeKey: 'x:1' })).toEqual({
      status: 'unknown_item',
    });
    const locked = await content.lock({
      files: [{ kind: 'document', fileId: 'd1' }],
      args: '5',
      createdBy: 7,
      chatId: -100123,
      messageIds: [20],
    });
    const id = locked.ok ? locked.item.id : 0;
    await content.updateItem(id, { active: false });
    expect(await content.sendTeaser({ itemId: id, fanId: 42, dedupeKey: 'x:2' })).toEqual({
      status: 'archived',
    });
    expect(await testDb.db('outbox').whereIn('dedupe_key', ['x:1', 'x:2'])).toHaveLength(0);
  });
});
