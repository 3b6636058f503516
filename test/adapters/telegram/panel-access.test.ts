/**
 * Acceptance (issue 14): the panel is for owners and admins only. A group member who is
 * not on the team (even a Telegram admin of the group), or an agent, gets a short refusal
 * and no data; pressing a panel button they see does nothing but say so; a forged callback
 * (data the bot never offered) does nothing at all. Then /audit: newest first, paged,
 * filtered by admin and by fan, fed by the `audit.record` port other features use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_TEXTS } from '../../../src/adapters/telegram/panel/texts.js';
import {
  answerOf,
  botMessagesInTopic,
  command,
  current,
  press,
  eventually,
  startPanelEnv,
  until,
  type PanelEnv,
} from './panel-harness.js';

describe('panel access', () => {
  let env: PanelEnv;
  beforeAll(async () => {
    env = await startPanelEnv();
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  it('a group member who is not an admin, or an agent, sends /settings or /audit → a refusal, no data', async () => {
    for (const [userId, text] of [
      [env.outsiderId, '/settings'],
      [env.agentId, '/settings cost.text'],
    ] as const) {
      const answer = await command(env, userId, text);
      expect(answer.text).toBe(PANEL_TEXTS.refused);
      expect(answer.buttons).toEqual([]);
    }
    // A second try within the minute is not answered again (refusals cannot flood the group)…
    env.sim.control.adminSendsInTopic(env.outsiderId, env.adminChatId, env.threadId, '/audit');
    // …while someone else posting in General (not even a member of record) is refused;
    // updates of one chat are handled in order, so the /audit above was handled before.
    const stranger = env.sim.control.createUser({ first_name: 'Stan' });
    env.sim.control.adminSends(stranger.id, env.adminChatId, '/audit');
    await env.sim.control.waitFor(
      () =>
        env.sim.control
          .messages(env.adminChatId, { threadId: 1 })
          .find((m) => m.fromBot && m.text === PANEL_TEXTS.refused),
      15_000,
      'the refusal in General',
    );
    await eventually(
      async () => {
        const depth = await env.runtime.outbox.depth();
        return depth.pending + depth.sending === 0 ? true : undefined;
      },
      15_000,
      'an idle outbox',
    );
    expect(botMessagesInTopic(env).map((m) => m.text)).toEqual([
      PANEL_TEXTS.refused,
      PANEL_TEXTS.refused,
    ]);
    const shown = env.sim.control
      .messages(env.adminChatId)
      .filter((m) => m.fromBot && m.kind !== 'service');
    expect(shown.every((m) => m.text === PANEL_TEXTS.refused)).toBe(true);
    expect(await env.testDb.db('panel_menus').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('a non-admin pressing a real panel button gets a refusal and changes nothing', async () => {
    const menu = await command(env, env.ownerId, '/settings receipts.enabled');
    const query = press(env, env.outsiderId, menu, '✅ On — tap to turn off');
    expect((await answerOf(env, query)).text).toBe(PANEL_TEXTS.refused);
    const agentQuery = press(env, env.agentId, menu, '✏️ Edit');
    expect((await answerOf(env, agentQuery)).text).toBe(PANEL_TEXTS.refused);
    expect(await env.runtime.settings.get('receipts.enabled')).toBe(true);
    expect(current(env.sim, menu).edited).toBe(false);
    expect(await env.testDb.db('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('a forged callback does nothing: no toast, no edit, no change', async () => {
    const menu = await command(env, env.ownerId, '/settings receipts.enabled');
    const data = menu.buttons.flat()[0]!.callbackData!;
    const [, id, nonce] = /^pn:(\d+)\.([^:]+):/.exec(data)!;
    const forgeries = [
      `pn:${id}.AAAAAAAAAAAA:0:0`, // a guessed nonce
      `pn:${id}.${nonce}:7:0`, // a version the menu never had
      `pn:${id}.${nonce}:0:42`, // a button it never offered
      `pn:${Number(id) + 1000}.${nonce}:0:0`, // no such menu
      'pn:settings:toggle:receipts.enabled', // a guess at a readable format
    ];
    // A message carrying the forged buttons (as a modified client could send any data).
    const sent = await env.sim.callApi('sendMessage', {
      chat_id: env.adminChatId,
      message_thread_id: env.threadId,
      text: 'forged',
      reply_markup: {
        inline_keyboard: forgeries.map((f, i) => [{ text: `f${i}`, callback_data: f }]),
      },
    });
    const forged = (sent as { result: { message_id: number } }).result.message_id;
    const before = botMessagesInTopic(env).length;
    for (const f of forgeries) {
      const query = env.sim.control.pressButton(env.ownerId, env.adminChatId, forged, f);
      expect((await answerOf(env, query)).text).toBeUndefined();
    }
    // The real menu's data (once its message is known), copied onto another message.
    press(env, env.ownerId, menu, '✏️ Edit');
    await env.sim.control.waitFor(
      () => botMessagesInTopic(env).find((m) => m.text?.startsWith('✏️ New value')),
      15_000,
      'the prompt',
    );
    const real = (await until(env, menu, /Value: on/)).buttons.flat();
    const copy = await env.sim.callApi('sendMessage', {
      chat_id: env.adminChatId,
      message_thread_id: env.threadId,
      text: 'copied',
      reply_markup: {
        inline_keyboard: [[{ text: 'copy', callback_data: real[0]!.callbackData }]],
      },
    });
    const copied = (copy as { result: { message_id: number } }).result.message_id;
    const copyQuery = env.sim.control.pressButton(
      env.ownerId,
      env.adminChatId,
      copied,
      real[0]!.callbackData!,
    );
    expect((await answerOf(env, copyQuery)).text).toBeUndefined();
    expect(await env.runtime.settings.get('receipts.enabled')).toBe(true);
    expect(await env.testDb.db('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(
      botMessagesInTopic(env)
        .slice(before)
        .map((m) => m.text?.slice(0, 12)),
    ).toEqual(['✏️ New value', 'copied']);
  });

  it('/audit lists entries newest first, pages, and filters by admin and by fan', async () => {
    const fan = env.sim.control.createUser({ first_name: 'Fiona' });
    env.sim.control.fanSendsText(fan.id, '/start');
    await eventually(
      async () => (await env.runtime.fans.profile(fan.id)) ?? undefined,
      15_000,
      'the fan row',
    );
    // Another feature records through the port.
    await env.runtime.audit.record({
      actorId: env.adminId,
      action: 'fans:gift',
      fanId: fan.id,
      before: 0,
      after: 10,
    });
    for (let i = 0; i < 22; i += 1) {
      await env.runtime.audit.record({
        actorId: env.ownerId,
        action: 'settings:edit',
        subject: `k${i}`,
        before: i,
        after: i + 1,
      });
    }
    const all = await command(env, env.ownerId, '/audit');
    expect(all.text).toMatch(/^📜 Audit log — 23 entries · Page 1 of 3/);
    expect(all.text!.indexOf('k21')).toBeLessThan(all.text!.indexOf('k20'));
    press(env, env.ownerId, all, '▶️');
    await until(env, all, /Page 2 of 3/);
    press(env, env.ownerId, all, '◀️');
    await until(env, all, /Page 1 of 3/);

    const byAdmin = await command(env, env.ownerId, `/audit admin ${env.adminId}`);
    expect(byAdmin.text).toMatch(/— 1 entry · by admin/);
    expect(byAdmin.text).toContain('fans:gift');
    expect(byAdmin.text).toContain(`fan Fiona (${fan.id})`);
    expect(byAdmin.text).toContain('0 → 10');

    const byFan = await command(env, env.adminId, '/audit');
    press(env, env.adminId, byFan, '🙋 About fan');
    const prompt = await env.sim.control.waitFor(
      () =>
        botMessagesInTopic(env).find((m) => m.text?.startsWith('Show the entries about which fan')),
      15_000,
      'the fan prompt',
    );
    env.sim.control.adminSendsInTopic(env.adminId, env.adminChatId, env.threadId, String(fan.id), {
      replyTo: prompt.messageId,
    });
    const filtered = await until(env, byFan, /about fan Fiona/);
    expect(filtered.text).toMatch(/— 1 entry/);
  });
});
