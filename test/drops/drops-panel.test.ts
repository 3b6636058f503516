/**
 * Drops from the panel (issue 18): /drops → item → segment → the audience shown → Send; the
 * teaser reaches every fan of the segment once, fans known to have blocked the bot are not
 * sent to, a fan who blocked it since is counted from Telegram's 403, the progress message
 * is edited in place and the summary posted. Agents may not start a drop; Cancel stops one.
 */
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  botMessagesInTopic,
  command,
  press,
  startPanelEnv,
  until,
  type PanelEnv,
} from '../adapters/telegram/panel-harness.js';
import { seedFans, seedItem, teasersOf } from './helpers.js';

describe('drops from the panel', () => {
  let env: PanelEnv;
  let fans: number[];
  beforeAll(async () => {
    env = await startPanelEnv({ freeMessages: true });
    await seedItem(
      env.sim,
      env.testDb.db,
      { chatId: env.adminChatId, threadId: env.threadId, ownerId: env.ownerId },
      'Beach set',
      30,
    );
    fans = await seedFans(env.sim, env.testDb.db, 12, (i) => ({
      tier: i < 4 ? 'vip' : 'new',
      spentCents: i < 4 ? 10_000 : 0,
      knownBlocked: i === 11,
    }));
  });
  afterAll(async () => {
    await env?.close();
  });

  it('refuses agents', async () => {
    const answer = await command(env, env.agentId, '/drops');
    expect(answer.text).toMatch(/not allowed|⛔|only/i);
  });

  it('sends a vault item to a segment, once per fan, and reports blocked fans', async () => {
    const menu = await command(env, env.ownerId, '/drops');
    expect(menu.text).toContain('Choose the item');
    press(env, env.ownerId, menu, 'Beach set');
    await until(env, menu, /Who gets the teaser of “Beach set”/);
    press(env, env.ownerId, menu, '⭐ VIP');
    let shown = await until(env, menu, /Tier ⭐ VIP: 4 fans/);
    press(env, env.ownerId, shown, '⬅️ Back');
    await until(env, menu, /Who gets the teaser/);
    press(env, env.ownerId, menu, 'All fans');
    shown = await until(env, menu, /All fans: 12 fans/);
    expect(shown.text).toContain('1 of them has blocked the bot');
    press(env, env.ownerId, shown, '✅ Send to 12 fans');
    // Fan 10 blocks the bot meanwhile: counted blocked (from Telegram's 403, or skipped).
    env.sim.control.blockBot(fans[10]!);
    await until(env, menu, /Drop #1 started for 12 fans/);
    // The progress message, edited in place into its last state, and the summary after it.
    const finished = () =>
      botMessagesInTopic(env).filter((m) => /^✅ Drop #1 finished/.test(m.text ?? ''));
    await env.sim.control.waitFor(() => finished().length === 2, 20_000, 'the summary');
    const [progress, summary] = finished() as [MessageView, MessageView];
    expect(progress.buttons.flat()).toEqual([]);
    expect(summary.messageId).toBeGreaterThan(progress.messageId);
    expect(summary.text).toContain('Sent 10/12 [██████████] 100%');
    expect(summary.text).toContain('Sent: 10 · Blocked: 2 · Failed: 0');
    expect(summary.text).toContain('Unlocked: 0');
    for (const fan of fans.slice(0, 10)) expect(teasersOf(env.sim, fan)).toBe(1);
    expect(teasersOf(env.sim, fans[10]!)).toBe(0);
    expect(teasersOf(env.sim, fans[11]!)).toBe(0);
    const audit = await env.testDb.db('audit_log').where({ action: 'drops:send' });
    expect(audit).toHaveLength(1);
    expect(env.sim.control.violations()).toEqual([]);
  });
});
