/**
 * Acceptance (issue 14): a setting changed from /settings on one instance is used by
 * another within 5 s — on Postgres two runtimes on one database, each with its own pool and
 * its own cached settings store (30 s TTL); on SQLite (single instance by design) a second
 * store over its own connection, as another process would have. An invalid value is
 * refused with the reason and changes nothing anywhere. And the claim behind "double taps
 * act once" holds when the taps reach two instances at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/adapters/db/knex.js';
import { createPanelMenuStore } from '../../../src/adapters/db/panel-menu-store.js';
import { createSettingsStore, type SettingsStore } from '../../../src/config/settings-store.js';
import { testDialect } from '../../helpers/db.js';
import { startHarness, type Harness } from './harness.js';
import {
  botMessagesInTopic,
  command,
  press,
  eventually,
  startPanelEnv,
  until,
  type PanelEnv,
} from './panel-harness.js';

describe(`settings across instances (${testDialect})`, () => {
  let env: PanelEnv;
  let secondPool: Db;
  let second: Harness | undefined;
  /** The other instance's settings store: what its relay reads. */
  let other: SettingsStore;

  beforeAll(async () => {
    env = await startPanelEnv();
    secondPool = createDb(env.testDb.url, { poolMax: 4 });
    if (testDialect === 'postgres') {
      second = await startHarness({
        mode: 'none',
        sim: env.sim,
        admin: { chatId: env.adminChatId, ownerId: env.ownerId },
        testDb: { ...env.testDb, db: secondPool, destroy: async () => {} },
        freeMessages: false,
      });
      other = second.runtime.settings;
    } else {
      other = createSettingsStore(secondPool);
    }
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await env?.close();
    await secondPool?.destroy();
  });

  const revision = async () =>
    Number(
      ((await env.testDb.db('settings_revision').first('revision')) as { revision: unknown })
        .revision,
    );

  it('a change made on one instance is used by the other within 5 s; a bad value changes nothing', async () => {
    // The other instance has the value cached (its TTL is 30 s).
    expect(await other.get('cost.text')).toBe(1);
    const menu = await command(env, env.ownerId, '/settings cost.text');
    press(env, env.ownerId, menu, '✏️ Edit');
    const prompt = await env.sim.control.waitFor(
      () => botMessagesInTopic(env).find((m) => m.text?.startsWith('✏️ New value for cost.text')),
      15_000,
      'the prompt',
    );
    const reply = (text: string) =>
      env.sim.control.adminSendsInTopic(env.ownerId, env.adminChatId, env.threadId, text, {
        replyTo: prompt.messageId,
      });

    const revisionBefore = await revision();
    const before = botMessagesInTopic(env).length;
    reply('-3');
    const refusal = await env.sim.control.waitFor(
      () =>
        botMessagesInTopic(env)
          .slice(before)
          .find((m) => m.text?.startsWith('❌')),
      15_000,
      'the refusal',
    );
    expect(refusal.text).toContain('cost.text accepts a whole number');
    expect(refusal.text).toMatch(/>=0/);
    expect(await revision()).toBe(revisionBefore);
    expect(await other.get('cost.text')).toBe(1);
    expect(await env.runtime.settings.get('cost.text')).toBe(1);
    expect(await env.testDb.db('audit_log').where('subject', 'cost.text')).toHaveLength(0);

    // The prompt stays open after a refusal: the next reply sets it.
    reply('4');
    await until(env, menu, /Value: 4/);
    await eventually(
      async () => ((await other.get('cost.text')) === 4 ? true : undefined),
      5_000,
      'the other instance using cost.text = 4',
    );
    expect(await env.testDb.db('audit_log').where('subject', 'cost.text')).toHaveLength(1);
  });

  it('of simultaneous claims of one menu version from two instances, exactly one wins', async () => {
    const mine = createPanelMenuStore(env.testDb.db);
    const theirs = createPanelMenuStore(secondPool);
    const menu = await mine.create({
      nonce: 'abcdefgh',
      chatId: env.adminChatId,
      threadId: null,
      createdBy: env.ownerId,
      screen: 'settings',
      state: { view: 'home' },
      buttons: [],
      stamp: null,
      rendered: 'x',
    });
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? theirs : mine).claim(menu.id, 0, 99)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await mine.get(menu.id))?.version).toBe(1);
  });
});
