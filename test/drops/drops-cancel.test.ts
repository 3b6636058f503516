/**
 * Cancel (issue 18): the progress message's button stops a running drop — at Telegram's
 * real limits a drop to 150 fans takes seconds, so the press lands midway. The fans not
 * reached yet never get the teaser, those reached keep exactly one, the summary says
 * "cancelled". Someone outside the team pressing it changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { createTelegramSimulator } from '../../src/sandbox/telegram/index.js';
import {
  botMessagesInTopic,
  command,
  press,
  startPanelEnv,
  until,
  type PanelEnv,
} from '../adapters/telegram/panel-harness.js';
import { seedFans, seedItem, teasersOf } from './helpers.js';

const FANS = 150;

describe('cancelling a drop', () => {
  let env: PanelEnv;
  let fans: number[];
  beforeAll(async () => {
    const sim = createTelegramSimulator({ timeScale: 1, webhook: { timeoutSeconds: 60 } });
    await sim.listen(0);
    env = await startPanelEnv({ sim, timeScale: 1, freeMessages: true });
    const place = { chatId: env.adminChatId, threadId: env.threadId, ownerId: env.ownerId };
    await seedItem(env.sim, env.testDb.db, place, 'Night set', 40);
    fans = await seedFans(env.sim, env.testDb.db, FANS);
  });
  afterAll(async () => {
    await env?.close();
    await env?.sim.close();
  });

  it('stops the drop midway: nobody else gets the teaser', { timeout: 60_000 }, async () => {
    const menu = await command(env, env.ownerId, '/drops');
    press(env, env.ownerId, menu, 'Night set');
    await until(env, menu, /Who gets the teaser/);
    press(env, env.ownerId, menu, 'All fans');
    const shown = await until(env, menu, new RegExp(`All fans: ${FANS} fans`));
    press(env, env.ownerId, shown, `✅ Send to ${FANS} fans`);
    const progress = await env.sim.control.waitFor(
      () => botMessagesInTopic(env).find((m) => /^📣 Drop #1 ·/.test(m.text ?? '')),
      15_000,
      'the progress message',
    );
    // Outsiders' presses change nothing.
    press(env, env.outsiderId, progress, '✖️ Cancel');
    press(env, env.ownerId, progress, '✖️ Cancel');
    const finished = () =>
      botMessagesInTopic(env).filter((m) => /^✖️ Drop #1 cancelled/.test(m.text ?? ''));
    await env.sim.control.waitFor(() => finished().length === 2, 30_000, 'the summary');
    const [last, summary] = finished() as [MessageView, MessageView];
    expect(last.messageId).toBe(progress.messageId);
    expect(last.buttons.flat()).toEqual([]);

    const rows = (await env.testDb.db('drop_recipients').where({ drop_id: 1 })) as Array<{
      fan_id: number | string;
      status: string;
    }>;
    const of = (status: string) => rows.filter((r) => r.status === status);
    expect(of('cancelled').length).toBeGreaterThan(0);
    expect(of('sent').length + of('cancelled').length + of('failed').length).toBe(FANS);
    for (const row of of('cancelled')) expect(teasersOf(env.sim, Number(row.fan_id))).toBe(0);
    for (const row of of('sent')) expect(teasersOf(env.sim, Number(row.fan_id))).toBe(1);
    expect(Math.max(...fans.map((fan) => teasersOf(env.sim, fan)))).toBeLessThanOrEqual(1);
    expect(summary.text).toContain(`Not sent (cancelled): ${of('cancelled').length}`);
    const audit = await env.testDb.db('audit_log').where({ action: 'drops:send' });
    expect(audit.map((a: { actor_id: number | string }) => Number(a.actor_id))).toEqual([
      env.ownerId,
      env.ownerId,
    ]);
    expect(env.sim.control.violations()).toEqual([]);
  });
});
