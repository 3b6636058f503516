/**
 * Acceptance (issue 14, /settings) through the Telegram simulator, on SQLite and on
 * Postgres: categories and cards; edit by reply with the store's validation (a bad value is
 * refused with its reason and changes nothing); toggles; a double tap acts once with one
 * audit row; a menu older than its data refreshes instead of acting; reset; search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerOf,
  botMessagesInTopic,
  command,
  current,
  press,
  startPanelEnv,
  until,
  type PanelEnv,
} from './panel-harness.js';

describe('/settings', () => {
  let env: PanelEnv;
  beforeAll(async () => {
    env = await startPanelEnv();
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  const auditRows = (subject: string) =>
    env.testDb.db('audit_log').where('subject', subject).orderBy('id');
  const stored = async (key: string) =>
    (
      (await env.testDb.db('settings').where('key', key).first('value')) as
        { value: string } | undefined
    )?.value;

  it('lists the categories in the topic it was sent in, and is in the admins’ command menu', async () => {
    const menu = await command(env, env.ownerId, '/settings');
    expect(menu.threadId).toBe(env.threadId);
    expect(menu.text).toMatch(/^⚙️ Settings/);
    expect(menu.text).toContain('💬 Message costs (12)');
    expect(menu.buttons.flat().map((b) => b.text)).toContain('🔍 Search');
    const published = env.sim.control
      .calls({ method: 'setMyCommands' })
      .map(
        (c) =>
          c.params as {
            scope?: { type: string; chat_id?: number };
            commands: { command: string }[];
          },
      )
      .find((p) => p.scope?.type === 'chat_administrators');
    expect(published?.scope?.chat_id).toBe(env.adminChatId);
    expect(published?.commands.map((c) => c.command)).toContain('settings');
  });

  it('shows a card per setting: value, default, overridden, meaning; edits by reply with validation', async () => {
    const menu = await command(env, env.adminId, '/settings');
    press(env, env.adminId, menu, '💬 Message costs');
    await until(env, menu, /^💬 Message costs/);
    press(env, env.adminId, menu, 'cost.voice:');
    const card = await until(env, menu, /^cost\.voice\n/);
    expect(card.text).toContain('Credits a voice message costs.');
    expect(card.text).toContain('Value: 5');
    expect(card.text).toContain('Default: 5');
    expect(card.text).toContain('Overridden: no');

    const editQuery = press(env, env.adminId, menu, '✏️ Edit');
    expect((await answerOf(env, editQuery)).text).toMatch(/Reply/);
    const prompt = await env.sim.control.waitFor(
      () => botMessagesInTopic(env).find((m) => m.text?.startsWith('✏️ New value for cost.voice')),
      15_000,
      'the prompt',
    );
    const promptCall = env.sim.control
      .calls({ method: 'sendMessage' })
      .find((c) => String(c.params.text).startsWith('✏️ New value for cost.voice'));
    expect(promptCall?.params.reply_markup).toMatchObject({ force_reply: true });

    // A bad value: refused with the reason, nothing changes, the prompt stays open.
    const before = botMessagesInTopic(env).length;
    env.sim.control.adminSendsInTopic(env.adminId, env.adminChatId, env.threadId, '5000', {
      replyTo: prompt.messageId,
    });
    const refusal = await env.sim.control.waitFor(
      () =>
        botMessagesInTopic(env)
          .slice(before)
          .find((m) => m.text?.startsWith('❌')),
      15_000,
      'the refusal',
    );
    expect(refusal.text).toMatch(/Not changed — cost\.voice accepts a whole number/);
    expect(refusal.text).toMatch(/1000/);
    expect(await stored('cost.voice')).toBeUndefined();
    expect(await auditRows('cost.voice')).toHaveLength(0);
    expect(await env.runtime.settings.get('cost.voice')).toBe(5);

    // A good one: stored, audited, the card shows it.
    env.sim.control.adminSendsInTopic(env.adminId, env.adminChatId, env.threadId, '7', {
      replyTo: prompt.messageId,
    });
    const updated = await until(env, menu, /Value: 7/);
    expect(updated.text).toContain('Overridden: yes');
    expect(await env.runtime.settings.get('cost.voice')).toBe(7);
    const rows = await auditRows('cost.voice');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: env.adminId, action: 'settings:edit' });
    expect(JSON.parse(rows[0].before as string)).toBe(5);
    expect(JSON.parse(rows[0].after as string)).toBe(7);
    await env.sim.control.waitFor(
      () => botMessagesInTopic(env).find((m) => m.text === '✅ cost.voice: 5 → 7'),
      15_000,
      'the confirmation',
    );

    // Reset to default.
    press(env, env.adminId, menu, '↩️ Reset to default');
    await until(env, menu, /Overridden: no/);
    expect(await stored('cost.voice')).toBeUndefined();
    expect((await auditRows('cost.voice')).map((r) => r.action)).toEqual([
      'settings:edit',
      'settings:reset',
    ]);
  });

  it('a double tap on a toggle changes the setting once, with one audit row', async () => {
    const menu = await command(env, env.ownerId, '/settings receipts.enabled');
    expect(menu.text).toContain('Value: on');
    const first = press(env, env.ownerId, menu, '✅ On — tap to turn off');
    const second = press(env, env.ownerId, menu, '✅ On — tap to turn off');
    const toasts = [(await answerOf(env, first)).text, (await answerOf(env, second)).text];
    await until(env, menu, /Value: off/);
    expect(toasts).toContain('receipts.enabled: on → off');
    expect(toasts).toContain('This menu has moved on — use the buttons it shows now.');
    expect(await env.runtime.settings.get('receipts.enabled')).toBe(false);
    expect(await auditRows('receipts.enabled')).toHaveLength(1);
  });

  it('a menu older than its data refreshes instead of acting', async () => {
    const older = await command(env, env.ownerId, '/settings relay.receipts');
    const newer = await command(env, env.adminId, '/settings relay.receipts');
    press(env, env.adminId, newer, '✅ On — tap to turn off');
    await until(env, newer, /Value: off/);
    // The older menu still offers "turn off": pressing it must not turn it back on.
    const query = press(env, env.ownerId, older, '✅ On — tap to turn off');
    expect((await answerOf(env, query)).text).toMatch(/changed meanwhile/);
    const refreshed = await until(env, older, /Value: off/);
    expect(refreshed.buttons.flat().map((b) => b.text)).toContain('⬜ Off — tap to turn on');
    expect(await env.runtime.settings.get('relay.receipts')).toBe(false);
    expect(await auditRows('relay.receipts')).toHaveLength(1);
    expect(current(env.sim, newer).text).toContain('Value: off');
  });

  it('searches across settings by a word', async () => {
    const menu = await command(env, env.ownerId, '/settings tier');
    expect(menu.text).toMatch(/^🔍 Settings matching “tier”/);
    expect(menu.buttons.flat().some((b) => b.text.startsWith('tier.thresholds:'))).toBe(true);
  });
});
