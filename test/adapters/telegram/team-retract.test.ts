/**
 * Issue 13 item 9 (retract) and 12 (anonymous admins): the team takes an answer back with
 * `/delete` as a reply to it, and is told when Telegram refuses (older than 48 hours); an
 * admin posting anonymously is told once that such messages cannot reach fans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { botMessages, relayed, sleep, startFanHarness, topicOf } from './fan-harness.js';

describe('team retract and anonymous admins (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ freeMessages: true });
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  /** A fan with a topic and a delivered team answer. */
  async function answered(name: string, text: string) {
    const { sim, adminChatId, ownerId } = h;
    const fan = sim.control.createUser({ first_name: name });
    sim.control.fanSendsText(fan.id, `hello from ${name}`);
    const topic = await topicOf(sim, adminChatId, name);
    // The topic is stored once the fan's message is in it: only then do answers relay.
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length > 0,
      10_000,
      'first message relayed',
    );
    const answer = sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, text);
    const copy = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text === text),
      10_000,
      'answer delivered',
    );
    for (let i = 0; i < 100; i++) {
      if (await h.runtime.fan.links.byTopicMessage(adminChatId, answer.message_id)) break;
      await sleep(50);
    }
    return { fan, topic, answer, copy };
  }

  it("/delete in reply to an answer deletes the fan's copy", async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic, answer, copy } = await answered('Retracta', 'oops, wrong fan');
    const command = sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, '/delete', {
      replyTo: answer.message_id,
    });
    await sim.control.waitFor(
      () => sim.control.message(fan.id, copy.messageId)?.deleted === true,
      10_000,
      'copy deleted',
    );
    await sim.control.waitFor(
      () => sim.control.message(adminChatId, command.message_id)!.reactions.length > 0,
      10_000,
      'done reaction',
    );
    expect(botMessages(sim, fan.id).some((m) => m.text === '/delete')).toBe(false);
  });

  it('/delete tells the team when Telegram refuses (older than 48 h), and how it works', async () => {
    const { sim, adminChatId, ownerId } = h;
    const { fan, topic, answer, copy } = await answered('Oldtimer', 'an old answer');
    sim.control.injectFault({
      fault: { type: 'error', code: 400, description: "Bad Request: message can't be deleted" },
      methods: ['deleteMessage'],
      chatId: fan.id,
    });
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, '/delete', {
      replyTo: answer.message_id,
    });
    await sim.control.waitFor(
      () =>
        relayed(sim, adminChatId, topic.threadId).some((m) =>
          m.text?.includes('bots can only delete messages for 48 hours'),
        ),
      10_000,
      'refusal told',
    );
    expect(sim.control.message(fan.id, copy.messageId)!.deleted).toBe(false);

    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, '/delete');
    await sim.control.waitFor(
      () =>
        relayed(sim, adminChatId, topic.threadId).some((m) => m.text?.includes('reply /delete')),
      10_000,
      'usage told',
    );
  });

  it('an anonymous admin gets a one-time hint, and their messages never reach the fan', async () => {
    const { sim, adminChatId } = h;
    const { fan, topic } = await answered('Anonfan', 'hi there');
    sim.control.anonymousAdminSendsInTopic(adminChatId, topic.threadId, 'anonymous answer 1');
    const hints = () =>
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text?.includes('anonymously'));
    await sim.control.waitFor(() => hints().length === 1, 10_000, 'hint');
    sim.control.anonymousAdminSendsInTopic(adminChatId, topic.threadId, 'anonymous answer 2');
    await sleep(500);
    expect(hints()).toHaveLength(1);
    expect(botMessages(sim, fan.id).some((m) => m.text?.startsWith('anonymous answer'))).toBe(
      false,
    );
  });
});
