/**
 * Acceptance (issue 19, response-time alerts and attribution), on the whole bot with
 * payments and a simulated clock (the job's `run(now)` with `now` moved ahead, as the pass
 * notices tests do): a paying fan unanswered for 30 minutes triggers exactly one reminder in
 * the Alerts topic, mentioning their claimer; the team's answer clears it; no reminder inside
 * quiet hours, the due one right after. A purchase after agent A's answer is attributed to A
 * on the /admin team page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_ICONS } from '../../src/sandbox/telegram/api/methods/topics.js';
import type { MessageView } from '../../src/sandbox/telegram/control.js';
import { buttonData, current, until } from '../adapters/telegram/panel-harness.js';
import { startPanelBotEnv, type PanelBotEnv } from '../adapters/telegram/panel-bot-env.js';
import { relayed, topicOf } from '../adapters/telegram/fan-harness.js';

const MINUTE = 60_000;

describe('response-time alerts and attribution', () => {
  let env: PanelBotEnv;
  let agentA: number;
  let agentB: number;
  beforeAll(async () => {
    env = await startPanelBotEnv('inbox_alerts');
    // A: the group member with the `agent` role; B: the owner.
    agentA = env.adminId;
    agentB = env.ownerId;
    await env.testDb.db('admins').where('user_id', agentA).update({ role: 'agent' });
  });
  afterAll(async () => {
    await env?.close();
  });

  const alerts = (): MessageView[] => {
    const topic = env.tg.control.topics(env.adminChatId).find((t) => t.name.includes('Alerts'));
    if (!topic) return [];
    return env.tg.control
      .messages(env.adminChatId, { threadId: topic.threadId })
      .filter((m) => m.fromBot && m.text?.startsWith('🔥'));
  };

  const iconId = (emoji: string) => TOPIC_ICONS.find(([e]) => e === emoji)![1];

  /** Waits until the fan's topic shows `emoji` as its icon (the runs queue the edits). */
  async function iconBecomes(threadId: number, emoji: string) {
    await env.tg.control.waitFor(
      () =>
        env.tg.control.topics(env.adminChatId).find((t) => t.threadId === threadId)
          ?.iconCustomEmojiId === iconId(emoji),
      15_000,
      `the ${emoji} icon`,
    );
    // The edit is done once the outbox marked it sent (one pending edit per topic at most).
    for (let i = 0; i < 300; i += 1) {
      const open = await env.testDb
        .db('outbox')
        .where('kind', 'topic.icon')
        .whereIn('status', ['pending', 'sending'])
        .first('id');
      if (!open) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The fan sends /buy10, follows the new Checkout link and pays; every webhook is delivered. */
  async function buyTenCredits(fanId: number): Promise<void> {
    const before = env.tg.control.messages(fanId).length;
    env.tg.control.fanSendsText(fanId, '/buy10');
    const offer = await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(fanId)
          .slice(before)
          .find((m) => m.buttons.flat().some((b) => b.url)),
      10_000,
      'checkout link',
    );
    const url = offer.buttons.flat().find((b) => b.url)!.url!;
    env.stripeSim.control.payCheckoutSession(/\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(url)![1]!);
    await env.stripeSim.control.waitForDeliveries(30_000);
  }

  /** A paying fan (one purchase) whose message waits in their topic. */
  async function payingFanWaiting(name: string) {
    const fan = env.tg.control.createUser({ first_name: name });
    await buyTenCredits(fan.id);
    await env.tg.control.waitFor(
      () => env.tg.control.messages(fan.id).some((m) => m.text?.startsWith('✅')),
      15_000,
      `${name}'s purchase`,
    );
    env.tg.control.fanSendsText(fan.id, 'hello, anyone?');
    const topic = await topicOf(env.tg, env.adminChatId, name);
    await env.tg.control.waitFor(
      () => relayed(env.tg, env.adminChatId, topic.threadId).length > 0,
      15_000,
      `${name}'s message in the topic`,
    );
    const row = await waitingSince(fan.id);
    return { fan, topic, since: row! };
  }

  async function waitingSince(fanId: number): Promise<Date | null> {
    for (let i = 0; i < 300; i += 1) {
      const row = (await env.testDb
        .db('users')
        .where('id', fanId)
        .first('inbox_waiting_since')) as {
        inbox_waiting_since: unknown;
      };
      const value = row?.inbox_waiting_since;
      if (value !== null && value !== undefined) {
        return value instanceof Date ? value : new Date(Number(value));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  }

  /** Answers in the fan's topic and waits until the fan got it and no longer waits. */
  async function answer(adminId: number, fanId: number, threadId: number, text: string) {
    env.tg.control.adminSendsInTopic(adminId, env.adminChatId, threadId, text);
    await env.tg.control.waitFor(
      () => env.tg.control.messages(fanId).some((m) => m.fromBot && m.text === text),
      15_000,
      `the answer "${text}"`,
    );
    for (let i = 0; i < 300; i += 1) {
      const row = (await env.testDb
        .db('users')
        .where('id', fanId)
        .first('inbox_waiting_since')) as {
        inbox_waiting_since: unknown;
      };
      if (row.inbox_waiting_since === null) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the fan still waits');
  }

  it('reminds once after 30 minutes, mentioning the claimer; the answer clears it', async () => {
    const { fan, topic, since } = await payingFanWaiting('Paula');
    const at = (minutes: number) => new Date(since.getTime() + minutes * MINUTE);
    const run = env.runtime.responseAlerts.run;
    await env.runtime.settings.set('inbox.quiet_hours', '');
    // Agent A takes the fan.
    env.tg.control.adminSendsInTopic(agentA, env.adminChatId, topic.threadId, '/take');
    for (let i = 0; i < 300; i += 1) {
      if (await env.testDb.db('fan_claims').where('fan_id', fan.id).first()) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await run(at(29))).toEqual({ reminded: 0, cleared: 0 });
    await iconBecomes(topic.threadId, '🔒');
    // Two instances running the job at the same moment remind once.
    const both = await Promise.all([run(at(31)), run(at(31))]);
    expect(both.map((r) => r.reminded).sort()).toEqual([0, 1]);
    await iconBecomes(topic.threadId, '🔥');
    expect(await run(at(32))).toEqual({ reminded: 0, cleared: 0 });
    expect(await run(at(90))).toEqual({ reminded: 0, cleared: 0 });
    const reminder = await env.tg.control.waitFor(
      () => alerts().find((m) => m.text?.includes('Paula')),
      15_000,
      'the reminder',
    );
    // The claimer's name as the team knows it (seen writing /take), a mention by id.
    expect(reminder.text).toBe('🔥 Paula has been waiting 31 min for an answer. Claimed by Adam');
    expect(reminder.entities).toEqual([
      expect.objectContaining({ type: 'text_link', url: `tg://user?id=${agentA}` }),
    ]);
    expect(reminder.buttons.flat()[0]?.url).toMatch(new RegExp(`/${topic.threadId}$`));

    await answer(agentA, fan.id, topic.threadId, 'Sorry for the wait!');
    expect(await run(at(95))).toEqual({ reminded: 0, cleared: 1 });
    await iconBecomes(topic.threadId, '🔒');
    expect(await run(at(96))).toEqual({ reminded: 0, cleared: 0 });
    expect(alerts().filter((m) => m.text?.includes('Paula'))).toHaveLength(1);
    expect(env.tg.control.violations()).toEqual([]);
  });

  it('keeps quiet during quiet hours and reminds right after', async () => {
    const { since } = await payingFanWaiting('Quinn');
    const at = (minutes: number) => new Date(since.getTime() + minutes * MINUTE);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    // Quiet from 20 to 60 minutes after the fan wrote (display.time_zone is UTC).
    await env.runtime.settings.set('inbox.quiet_hours', `${hhmm(at(20))}-${hhmm(at(60))}`);
    expect((await env.runtime.responseAlerts.run(at(31))).reminded).toBe(0);
    expect((await env.runtime.responseAlerts.run(at(59))).reminded).toBe(0);
    expect((await env.runtime.responseAlerts.run(at(62))).reminded).toBe(1);
    expect((await env.runtime.responseAlerts.run(at(63))).reminded).toBe(0);
    await env.tg.control.waitFor(
      () => alerts().find((m) => m.text?.includes('Quinn') && m.text.includes('Nobody')),
      15_000,
      'the reminder after quiet hours',
    );
    await env.runtime.settings.set('inbox.quiet_hours', '');
  });

  it('attributes a purchase to the member who last answered before it, on the team page', async () => {
    const fan = env.tg.control.createUser({ first_name: 'Rita' });
    await buyTenCredits(fan.id); // before any answer: attributed to nobody
    env.tg.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(env.tg, env.adminChatId, 'Rita');
    await env.tg.control.waitFor(
      () => relayed(env.tg, env.adminChatId, topic.threadId).length > 0,
      15_000,
      `Rita's message in the topic`,
    );
    await answer(agentB, fan.id, topic.threadId, 'Hi from Bea');
    await answer(agentA, fan.id, topic.threadId, 'Hi from Ada');
    await buyTenCredits(fan.id);
    await env.tg.control.waitFor(
      () => env.tg.control.messages(fan.id).filter((m) => m.text?.startsWith('✅')).length >= 2,
      15_000,
      'the second purchase',
    );

    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, env.panel.threadId, '/admin');
    const dashboard = await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId: env.panel.threadId })
          .find((m) => m.fromBot && m.text?.startsWith('📊')),
      15_000,
      'the dashboard',
    );
    const data = buttonData(current(env.tg, dashboard), '🤝 Team');
    env.tg.control.pressButton(env.ownerId, env.adminChatId, dashboard.messageId, data);
    const page = await until(env.panel, dashboard, /👥 Team/);
    const block = (id: number) =>
      (page.text ?? '')
        .split('\n\n')
        .find((b) => b.startsWith(String(id)) || b.includes(`(${id})`)) ?? '';
    // Ada answered Paula (after her wait) and Rita; Rita's second purchase is hers.
    expect(block(agentA)).toContain('💬 2 answers');
    expect(block(agentA)).toContain('💰 $5.00 attributed');
    expect(block(agentA)).toContain('🔒 1 fan claimed');
    expect(block(agentB)).toContain('💬 1 answer');
    expect(block(agentB)).toContain('💰 — attributed');
    expect(block(agentA)).toMatch(/median first response \d+ (s|min|h)/);
    expect(env.tg.control.violations()).toEqual([]);
  });
});
