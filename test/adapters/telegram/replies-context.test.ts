/**
 * Issue 13 item 9 (and the reaction part of 12): replies and context survive the relay. A
 * fan's reply to an answer replies to that answer in the topic, forwards keep their origin
 * both ways, team edits (text, and replaced media) reach the fan's copy, and a fan's
 * reaction shows on the topic message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES } from '../../../src/adapters/telegram/operator-api.js';
import { WEBHOOK_SECRET, type Harness } from './harness.js';
import {
  botMessages,
  relayed,
  seedProducts,
  sleep,
  startFanHarness,
  topicOf,
} from './fan-harness.js';

describe('replies and context (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ freeMessages: true });
    await seedProducts(h);
    // As `set-webhooks` subscribes (Telegram's default leaves message_reaction out).
    await h.sim.callApi('setWebhook', {
      url: h.webhookUrl,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
    });
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  /** Waits until the team message's copy is recorded (right after its delivery). */
  async function linked(topicMessageId: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await h.runtime.fan.links.byTopicMessage(h.adminChatId, topicMessageId)) return;
      await sleep(50);
    }
    throw new Error(`no link for ${topicMessageId}`);
  }

  /** A fan with a topic and one team answer: the answer in the topic and its copy. */
  async function conversation(name: string) {
    const { sim, adminChatId, ownerId } = h;
    const fan = sim.control.createUser({ first_name: name });
    sim.control.fanSendsText(fan.id, `hi from ${name}`);
    const topic = await topicOf(sim, adminChatId, name);
    // The topic is stored once the fan's message is in it: only then do answers relay.
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length > 0,
      10_000,
      'first message relayed',
    );
    const answer = sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, {
      kind: 'photo',
      caption: 'the answer',
    });
    const copy = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.caption === 'the answer'),
      10_000,
      'answer delivered',
    );
    // The link is recorded right after delivery.
    await linked(answer.message_id);
    return { fan, topic, answer, copy };
  }

  it("a fan's reply to a team answer arrives as a reply to that answer", async () => {
    const { sim, adminChatId } = h;
    const { fan, topic, answer, copy } = await conversation('Replier');
    sim.control.fanSendsText(fan.id, 'about your answer', { replyTo: copy.messageId });
    const reply = await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).find((m) => m.text === 'about your answer'),
      10_000,
      'reply relayed',
    );
    expect(reply.replyToMessageId).toBe(answer.message_id);
  });

  it('forwarded messages keep their origin, both ways', async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic } = await conversation('Forwarder');
    const friend = sim.control.createUser({ first_name: 'Friend <b>_*' });
    sim.control.fanSendsText(fan.id, 'look what my friend said', {
      forwardFrom: { userId: friend.id },
    });
    sim.control.fanSendsText(fan.id, 'and this one', {
      forwardFrom: { hiddenName: 'Hidden *Name*' },
    });
    const forwarded = await sim.control.waitFor(
      () => {
        const all = relayed(sim, adminChatId, topic.threadId);
        const a = all.find((m) => m.text === 'look what my friend said');
        const b = all.find((m) => m.text === 'and this one');
        return a && b ? [a, b] : undefined;
      },
      10_000,
      'forwards relayed',
    );
    expect(forwarded[0]!.raw.forward_origin).toMatchObject({
      type: 'user',
      sender_user: { id: friend.id },
    });
    expect(forwarded[1]!.raw.forward_origin).toMatchObject({
      type: 'hidden_user',
      sender_user_name: 'Hidden *Name*',
    });

    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'a quote for you', {
      forwardFrom: { userId: friend.id },
    });
    const toFan = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text === 'a quote for you'),
      10_000,
      'team forward delivered',
    );
    expect(toFan.raw.forward_origin).toMatchObject({
      type: 'user',
      sender_user: { id: friend.id },
    });
  });

  it("a team member's edit of an answer is applied to the fan's copy", async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic } = await conversation('Typist');
    const text = sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'typo hree');
    const textCopy = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text === 'typo hree'),
      10_000,
      'text answer delivered',
    );
    await linked(text.message_id);
    sim.control.adminEdits(ownerId, adminChatId, text.message_id, 'typo here');
    await sim.control.waitFor(
      () => sim.control.message(fan.id, textCopy.messageId)?.text === 'typo here',
      10_000,
      'text edit applied',
    );
  });

  it("a team answer whose media was replaced updates the fan's copy", async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, answer, copy } = await conversation('Mediaphile');
    const before = sim.control.message(fan.id, copy.messageId)!.media!.fileUniqueId;
    sim.control.adminEditsMedia(ownerId, adminChatId, answer.message_id, {
      kind: 'video',
      caption: 'a better answer',
    });
    const after = await sim.control.waitFor(
      () => {
        const m = sim.control.message(fan.id, copy.messageId);
        return m?.kind === 'video' ? m : undefined;
      },
      10_000,
      'media replaced',
    );
    expect(after.caption).toBe('a better answer');
    expect(after.media!.fileUniqueId).not.toBe(before);
  });

  it("a fan's reaction to an answer shows on that answer in the topic", async () => {
    const { sim, adminChatId } = h;
    const { fan, answer, copy } = await conversation('Reactor');
    sim.control.fanReacts(fan.id, copy.messageId, '🔥');
    const bot = sim.control.bot().id;
    await sim.control.waitFor(
      () =>
        sim.control
          .message(adminChatId, answer.message_id)!
          .reactions.some(
            (r) => r.userId === bot && r.reaction.type === 'emoji' && r.reaction.emoji === '🔥',
          ),
      10_000,
      'reaction mirrored',
    );
    sim.control.fanReacts(fan.id, copy.messageId, null);
    await sim.control.waitFor(
      () =>
        !sim.control
          .message(adminChatId, answer.message_id)!
          .reactions.some((r) => r.userId === bot),
      10_000,
      'reaction cleared',
    );
  });
});
