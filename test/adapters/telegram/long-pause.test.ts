/**
 * Acceptance: a group-wide 429 with retry_after 73,414 s pauses only the admin group;
 * private chats keep flowing; the pause is persisted, survives a restart, raises an alert
 * and shows on /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFanCard, startHarness, topicTexts, type Harness } from './harness.js';

const TIME_SCALE = 0.01;
const RETRY_AFTER = 73_414;

function pauseGauge(metrics: string, chatId: number): number | undefined {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`premiumbot_telegram_chat_pause_seconds{chat_id="${chatId}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('a very long group flood wait', () => {
  let h: Harness;
  let restarted: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness({ timeScale: TIME_SCALE });
  });
  afterAll(async () => {
    await restarted?.close();
    await h?.close();
  });

  it('pauses only the group, persists the pause across a restart, alerts and exports a gauge', async () => {
    const { sim, adminChatId, ownerId } = h;
    const early = sim.control.createUser({ first_name: 'Bea' });
    sim.control.fanSendsText(early.id, 'before the flood');
    const topicB = await sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find(
            (t) =>
              t.name.startsWith('Bea') && topicTexts(sim, adminChatId, t.threadId).length === 1,
          ),
      10_000,
      'Bea relayed',
    );
    // The owner has started the bot, so alerts can reach them privately.
    sim.control.fanSendsText(ownerId, '/start');

    sim.control.floodWait(adminChatId, RETRY_AFTER);
    const late = sim.control.createUser({ first_name: 'Cid' });
    sim.control.fanSendsText(late.id, 'during the flood');

    await waitUntil(
      async () => (await h.testDb.db('chat_pauses').where({ chat_id: adminChatId })).length === 1,
      10_000,
    );
    const [row] = await h.testDb.db('chat_pauses').where({ chat_id: adminChatId });
    // Simulated time runs on, so Telegram's retry_after is a little under the flood's length.
    expect(Number(/retry_after=(\d+)/.exec(String(row.reason))?.[1])).toBeGreaterThan(
      RETRY_AFTER - 100,
    );

    // The alert reaches the owner privately (the group itself is paused).
    const alert = await sim.control.waitFor(
      () =>
        sim.control
          .messages(ownerId)
          .find((m) => m.fromBot && m.text?.includes('paused sends to the admin group')),
      10_000,
      'owner alerted',
    );
    // The end of the pause in the display time zone (UTC by default), not an ISO timestamp.
    expect(alert.text).toMatch(/\(until \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M UTC\)/);
    const metrics = (await h.runtime.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(pauseGauge(metrics, adminChatId)).toBeGreaterThan(RETRY_AFTER * TIME_SCALE - 60);

    // Private sends continue: a team answer reaches Bea.
    sim.control.adminSendsInTopic(ownerId, adminChatId, topicB.threadId, 'answer during the flood');
    await sim.control.waitFor(
      () =>
        sim.control
          .messages(early.id)
          .find((m) => m.fromBot && m.text === 'answer during the flood'),
      10_000,
      'private answer delivered',
    );
    const groupCallsAfterPause = () =>
      sim.control
        .calls()
        .filter(
          (c) => String(c.params.chat_id) === String(adminChatId) && c.error?.error_code === 429,
        ).length;
    const refusedBefore = groupCallsAfterPause();
    expect(refusedBefore).toBe(1);
    expect(await h.runtime.outbox.depth()).toMatchObject({ pending: 2 }); // Cid's relay + the group alert

    // Restart: the pause is loaded from the database; the group stays untouched.
    await h.stopRuntime();
    restarted = await startHarness({
      timeScale: TIME_SCALE,
      sim,
      testDb: h.testDb,
      admin: { chatId: adminChatId, ownerId },
    });
    const after = (await restarted.runtime.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(pauseGauge(after, adminChatId)).toBeGreaterThan(RETRY_AFTER * TIME_SCALE - 120);
    sim.control.adminSendsInTopic(ownerId, adminChatId, topicB.threadId, 'answer after restart');
    await sim.control.waitFor(
      () =>
        sim.control.messages(early.id).find((m) => m.fromBot && m.text === 'answer after restart'),
      10_000,
      'private answer after restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(groupCallsAfterPause()).toBe(refusedBefore);
    expect(await restarted.runtime.outbox.depth()).toMatchObject({ pending: 2 });
    const relayed = sim.control
      .messages(adminChatId, { threadId: topicB.threadId })
      .filter((m) => m.fromBot && m.kind !== 'service' && !isFanCard(m));
    expect(relayed.map((m) => m.text)).toEqual(['before the flood']);
    expect(sim.control.violations()).toEqual([]);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
