/**
 * Issue 13 item 10: a 5xx on a send that is not idempotent may have been executed, so it is
 * never repeated blindly: the relay is set aside as `uncertain`, the team gets a Resend button
 * in the fan's topic and an alert that names the fan and says what to do. Idempotent calls and
 * topic creation (which carries no paid content) still retry. The real runtime against the
 * Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { grantCredits, relayed, seedProducts, startFanHarness, topicOf } from './fan-harness.js';

describe('5xx on a send that is not idempotent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  /** Internal id of a supergroup for t.me/c links (-1001234 → 1234). */
  const internalId = (chatId: number) => String(-chatId).replace(/^100/, '');

  it('copyMessage answered 502: not retried, offered for a resend, alert names the fan', async () => {
    const { sim, adminChatId, ownerId, testDb, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Zoe', username: 'zoe_fan' });
    await grantCredits(h, fan, 10, 'grant:cs_zoe');
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Zoe');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 1,
      15_000,
      'first relay',
    );
    sim.control.injectFault({
      fault: { type: 'server_error', status: 502 },
      methods: ['copyMessage'],
      chatId: adminChatId,
    });
    sim.control.fanSendsText(fan.id, 'maybe twice?');
    const offer = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('resend:'))),
      15_000,
      'resend offer',
    );
    const job = await testDb
      .db('outbox')
      .where({ kind: 'relay.fan', fan_id: fan.id })
      .orderBy('id', 'desc')
      .first();
    expect(job).toMatchObject({ status: 'failed', outcome: 'uncertain' });
    expect(Number(job.attempts)).toBe(1);
    expect(
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text === 'maybe twice?'),
    ).toHaveLength(0);
    // Not refunded: the message may have reached the team.
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(8);

    const alert = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId)
          .find((m) => m.fromBot && m.text?.includes('Zoe') && m.text.includes('Resend')),
      15_000,
      'alert naming the fan',
    );
    expect(alert.text).toContain('@zoe_fan');
    expect(alert.text).toContain(`https://t.me/c/${internalId(adminChatId)}/${topic.threadId}`);
    expect(alert.text).not.toMatch(/by hand|job #|relay\.fan/);

    const data = offer.buttons.flat().find((b) => b.callbackData?.startsWith('resend:'))!;
    sim.control.pressButton(ownerId, adminChatId, offer.messageId, data.callbackData!);
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'maybe twice?'),
      15_000,
      'resent',
    );
    expect(
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text === 'maybe twice?'),
    ).toHaveLength(1);
  });

  it('createForumTopic answered 503: the relay (not yet sent) is retried and arrives once', async () => {
    const { sim, adminChatId, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Yann' });
    await grantCredits(h, fan, 10, 'grant:cs_yann');
    sim.control.injectFault({
      fault: { type: 'server_error', status: 503 },
      methods: ['createForumTopic'],
      chatId: adminChatId,
    });
    sim.control.fanSendsText(fan.id, 'new here');
    const topic = await topicOf(sim, adminChatId, 'Yann');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'new here'),
      15_000,
      'relayed',
    );
    expect(sim.control.topics(adminChatId).filter((t) => t.name.startsWith('Yann'))).toHaveLength(
      1,
    );
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(9);
  });
});
