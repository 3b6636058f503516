/**
 * Issue 12 item 2: a paid fan message that is never delivered gives its credits back, once,
 * with one notice to the fan; one that may have arrived is offered to the team for a resend.
 * The real runtime against the Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  startFanHarness,
  fanWithTopic as withTopic,
} from './fan-harness.js';

describe('relay refunds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  const refundNotices = (fanId: number) =>
    botMessages(h.sim, fanId).filter((m) => m.text?.includes('could not be delivered'));

  const fanWithTopic = (name: string, credits: number) => withTopic(h, name, credits);

  it('a relay refused with 400 after the spend → balance back and one notice to the fan', async () => {
    const { sim, testDb, runtime } = h;
    const { fan } = await fanWithTopic('Deleter', 10);
    const before = (await runtime.ledger.balance(fan.id)).credits;
    expect(before).toBe(9);
    const photo = sim.control.fanSendsPhoto(fan.id, { caption: 'oops' });
    // The fan deletes it before the team's backlog drains: the copy gets 400.
    sim.control.fanDeletes(fan.id, photo.message_id);

    await sim.control.waitFor(() => refundNotices(fan.id).length === 1, 15_000, 'refund notice');
    expect(refundNotices(fan.id)[0]!.text).toContain('3 credits returned');
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(before);
    const sums = await runtime.ledger.sumLedger(fan.id);
    expect(sums.credits).toBe(before);
    const job = await testDb
      .db('outbox')
      .where({ kind: 'relay.fan', fan_id: fan.id })
      .orderBy('id', 'desc')
      .first();
    expect(job).toMatchObject({ status: 'failed', outcome: 'dropped' });
    expect(job.last_error).toContain('message to copy not found');
    const refunds = await testDb
      .db('credit_ledger')
      .where({ user_id: fan.id, kind: 'relay_refund' });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      idempotency_key: `relay_refund:spend:${fan.id}:${photo.message_id}`,
    });
    expect(Number(refunds[0].credits_delta)).toBe(3);
  });

  it('8 failed attempts (5xx opening the topic) → dead, credits back once', async () => {
    const { sim, adminChatId, testDb, runtime } = h;
    // A 5xx on the relay itself is uncertain (never repeated); one on opening the fan's topic
    // leaves the relay unsent, so it is retried with backoff until given up.
    const fan = sim.control.createUser({ first_name: 'Unlucky' });
    await grantCredits(h, fan, 10, 'grant:cs_Unlucky');
    sim.control.injectFault({
      fault: { type: 'server_error', status: 502 },
      count: 8,
      methods: ['createForumTopic'],
      chatId: adminChatId,
    });
    sim.control.fanSendsText(fan.id, 'lost in the noise');
    await sim.control.waitFor(() => refundNotices(fan.id).length === 1, 30_000, 'refund notice');
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(10);
    const job = await testDb
      .db('outbox')
      .where({ kind: 'relay.fan', fan_id: fan.id })
      .orderBy('id', 'desc')
      .first();
    expect(job).toMatchObject({ status: 'dead', outcome: 'gave_up', attempts: 8 });
  });

  it('an uncertain relay is offered for a resend; only admins can resend, once', async () => {
    const { sim, adminChatId, ownerId, testDb, runtime } = h;
    const { fan, topic } = await fanWithTopic('Maybe', 10);
    sim.control.injectFault({
      fault: { type: 'timeout', holdMs: 200 },
      methods: ['copyMessage'],
      chatId: adminChatId,
    });
    sim.control.fanSendsText(fan.id, 'did it arrive?');
    const offer = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find((m) => m.buttons.flat().some((b) => b.callbackData?.startsWith('resend:'))),
      15_000,
      'resend offer',
    );
    // Not refunded: the message may have reached the team.
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(8);
    expect(refundNotices(fan.id)).toHaveLength(0);
    const data = offer.buttons.flat().find((b) => b.callbackData?.startsWith('resend:'))!;

    const stranger = sim.control.createUser({ first_name: 'Stranger' });
    const refused = sim.control.pressButton(
      stranger.id,
      adminChatId,
      offer.messageId,
      data.callbackData!,
    );
    await sim.control.waitFor(() => sim.control.callbackQuery(refused)?.answer, 10_000, 'refusal');
    expect(
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text === 'did it arrive?'),
    ).toHaveLength(0);

    const first = sim.control.pressButton(
      ownerId,
      adminChatId,
      offer.messageId,
      data.callbackData!,
    );
    const second = sim.control.pressButton(
      ownerId,
      adminChatId,
      offer.messageId,
      data.callbackData!,
    );
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'did it arrive?'),
      15_000,
      'resent relay',
    );
    await sim.control.waitFor(
      () => sim.control.callbackQuery(first)?.answer && sim.control.callbackQuery(second)?.answer,
      10_000,
      'answers',
    );
    const copies = relayed(sim, adminChatId, topic.threadId).filter(
      (m) => m.text === 'did it arrive?',
    );
    expect(copies).toHaveLength(1);
    const resends = await testDb
      .db('outbox')
      .where('dedupe_key', 'like', 'resend:%')
      .where({ fan_id: fan.id });
    expect(resends).toHaveLength(1);
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(8);
  });
});
