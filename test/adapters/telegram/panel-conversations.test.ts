/**
 * Acceptance (issue 14, /conversations) through the Telegram and Stripe simulators, on SQLite
 * and on Postgres: an unanswered paying fan waiting 20 minutes comes before a pinned
 * conversation, which comes before an answered one with newer activity — all three driven
 * through real purchases, relays and team answers; pinning is done from the list (a double
 * tap pins once, audited); paging over 120 conversations visits each once, forward and back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markFanMessage, markTeamAnswers } from '../../../src/adapters/db/inbox-store.js';
import { buyTenCredits } from '../../payments/bot-env.js';
import { grantCredits, topicOf } from './fan-harness.js';
import { answerOf, command, current, eventually, press, until } from './panel-harness.js';
import { startPanelBotEnv, type PanelBotEnv } from './panel-bot-env.js';

describe('/conversations', () => {
  let env: PanelBotEnv;
  beforeAll(async () => {
    env = await startPanelBotEnv('inbox');
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  const waitingSince = async (fanId: number) =>
    (
      (await env.testDb.db('users').where('id', fanId).first('inbox_waiting_since')) as {
        inbox_waiting_since: unknown;
      }
    ).inbox_waiting_since;

  /** The fan writes; their copy reaches their topic. */
  async function fanWrites(fan: { id: number; first_name: string }, text: string) {
    env.tg.control.fanSendsText(fan.id, text);
    const topic = await topicOf(env.tg, env.adminChatId, fan.first_name);
    await env.tg.control.waitFor(
      () =>
        env.tg.control
          .messages(env.adminChatId, { threadId: topic.threadId })
          .find((m) => m.text === text),
      15_000,
      `${text} in the topic`,
    );
    return topic;
  }

  /** The owner answers in the fan's topic; the answer reaches the fan. */
  async function teamAnswers(fan: { id: number }, threadId: number, text: string) {
    env.tg.control.adminSendsInTopic(env.ownerId, env.adminChatId, threadId, text);
    await env.tg.control.waitFor(
      () => env.tg.control.messages(fan.id).find((m) => m.fromBot && m.text === text),
      15_000,
      `${text} at the fan`,
    );
    await eventually(async () => (await waitingSince(fan.id)) === null, 15_000, 'answered');
  }

  it('orders an unanswered paying fan waiting 20 min before a pinned one before an answered one', async () => {
    const uma = env.tg.control.createUser({ first_name: 'Uma', last_name: 'Urgent' });
    const pia = env.tg.control.createUser({ first_name: 'Pia', last_name: 'Pinned' });
    const alan = env.tg.control.createUser({ first_name: 'Alan', last_name: 'Answered' });

    await buyTenCredits(env, uma.id);
    const umaTopic = await fanWrites(uma, 'Are you there?');
    expect(await waitingSince(uma.id)).not.toBeNull();

    await grantCredits(env.panel, pia, 5, 'grant:cs_inbox_pia');
    const piaTopic = await fanWrites(pia, 'Hello from Pia');
    await teamAnswers(pia, piaTopic.threadId, 'Hi Pia!');
    await grantCredits(env.panel, alan, 5, 'grant:cs_inbox_alan');
    const alanTopic = await fanWrites(alan, 'Hello from Alan');
    await teamAnswers(alan, alanTopic.threadId, 'Hi Alan!');

    // The fan side's clock is the real one: Uma's wait is moved 20 minutes back instead of
    // waiting 20 minutes (the 🔥 threshold is 15 by default).
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    await env.testDb
      .db('users')
      .where('id', uma.id)
      .update({ inbox_waiting_since: twentyMinutesAgo });

    const menu = await command(env.panel, env.ownerId, '/conversations');
    expect(menu.text).toMatch(/^📥 Conversations — 3/);
    const lines = () =>
      (current(env.tg, menu).text ?? '').split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines()[0]).toMatch(/^1\. 🔥 Uma Urgent · New · 9 credits · waiting 20 min$/);
    // Before pinning: by last activity, Alan (newest) before Pia.
    expect(
      lines()
        .slice(1)
        .map((l) => l.replace(/ · .*/, '')),
    ).toEqual(['2. Alan Answered', '3. Pia Pinned']);
    // Each name links to the fan's topic.
    const link = menu.entities.find((e) => e.type === 'text_link');
    const chat = String(env.adminChatId).replace(/^-100/, '');
    expect(link?.url).toBe(`https://t.me/c/${chat}/${umaTopic.threadId}`);

    // Pin Pia from the list — a double tap pins once.
    const first = press(env.panel, env.adminId, menu, '📌 Pin 3');
    const second = press(env.panel, env.adminId, menu, '📌 Pin 3');
    const toasts = [
      (await answerOf(env.panel, first)).text,
      (await answerOf(env.panel, second)).text,
    ];
    expect(toasts).toContain('📌 Pinned.');
    expect(toasts).toContain('This menu has moved on — use the buttons it shows now.');
    await until(env.panel, menu, /\n2\. 📌 Pia Pinned/);
    expect(lines().map((l) => l.replace(/ · .*/, ''))).toEqual([
      '1. 🔥 Uma Urgent',
      '2. 📌 Pia Pinned',
      '3. Alan Answered',
    ]);
    const audits = await env.testDb
      .db('audit_log')
      .where({ action: 'conversations:pin', fan_id: pia.id });
    expect(audits).toHaveLength(1);

    // The unanswered filter shows Uma only; once answered she leaves the top.
    press(env.panel, env.ownerId, menu, '⏳ Unanswered');
    await until(env.panel, menu, /^📥 Conversations — 1 · ⏳ Unanswered/);
    await teamAnswers(uma, umaTopic.threadId, 'Yes, here!');
    press(env.panel, env.ownerId, menu, '📥 All');
    const after = await until(env.panel, menu, /^📥 Conversations — 3\n/);
    expect(after.text).toMatch(/\n1\. 📌 Pia Pinned/);
    expect(after.text).toMatch(/\n2\. Uma Urgent · New · 9 credits · last/);
  }, 120_000);

  it('pages over 120 conversations both ways, each shown once', async () => {
    // 117 more fans seeded through the stores (driving each through Telegram would be slow),
    // each with a distinct last activity.
    const base = Date.now() - 3 * 86_400_000;
    for (let i = 0; i < 117; i += 1) {
      const id = 900_000_000 + i;
      await env.runtime.ledger.ensureUser({ id, firstName: `Seed${String(i).padStart(3, '0')}` });
      await env.runtime.fans.saveTopic(
        id,
        { chatId: env.adminChatId, topicId: 50_000 + i },
        `Seed ${i}`,
      );
      await markFanMessage(env.testDb.db, id, new Date(base + i * 60_000));
      await markTeamAnswers(env.testDb.db, [id], new Date(base + i * 60_000 + 1000));
    }
    const menu = await command(env.panel, env.adminId, '/conversations');
    expect(menu.text).toMatch(/^📥 Conversations — 120 · Page 1 of 12/);
    const names = (text: string | undefined) =>
      (text ?? '')
        .split('\n')
        .filter((l) => /^\d+\. /.test(l))
        .map((l) => l.replace(/ · .*/, ''));
    const pages: string[][] = [names(menu.text)];
    for (let page = 2; page <= 12; page += 1) {
      press(env.panel, env.adminId, menu, '▶️');
      pages.push(names((await until(env.panel, menu, new RegExp(`Page ${page} of 12`))).text));
    }
    const all = pages.flat();
    expect(all).toHaveLength(120);
    expect(new Set(all.map((l) => l.replace(/^\d+\. /, ''))).size).toBe(120);
    expect(all.map((l) => Number(/^(\d+)\./.exec(l)![1]))).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    // The seeded fans come newest first after the three real ones.
    expect(pages[0]!.slice(3, 5)).toEqual(['4. Seed116', '5. Seed115']);
    expect(pages[11]!.at(-1)).toBe('120. Seed000');
    for (let page = 11; page >= 1; page -= 1) {
      press(env.panel, env.adminId, menu, '◀️');
      const shown = await until(env.panel, menu, new RegExp(`Page ${page} of 12`));
      expect(names(shown.text)).toEqual(pages[page - 1]);
    }
  }, 180_000);
});
