/**
 * Issue 13 item 12 (part): the topic title follows the fan's name changes, once per change
 * (not once per message); a stale `blocked` flag clears when the fan writes again. The real
 * runtime against the Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  sleep,
  startFanHarness,
  topicOf,
} from './fan-harness.js';
import { fanChatSettled } from './settle.js';

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`${what}: not reached`);
}

describe('fan names and reachability', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it("the topic title follows the fan's new name, with one edit for a burst", async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Oldname' });
    await grantCredits(h, fan, 10, 'grant:cs_oldname');
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, 'Oldname');
    sim.control.renameUser(fan.id, { first_name: 'Newname', username: 'newbie' });
    for (let i = 0; i < 4; i++) sim.control.fanSendsText(fan.id, `renamed ${i}`);
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 5,
      15_000,
      '5 relays',
    );
    await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.threadId === topic.threadId)?.name,
      10_000,
      'topic',
    );
    const renamed = await sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .find((t) => t.threadId === topic.threadId && t.name === 'Newname @newbie'),
      10_000,
      'renamed topic',
    );
    expect(renamed).toBeDefined();
    await fanChatSettled(sim, fan.id);
    expect(sim.control.calls({ method: 'editForumTopic' })).toHaveLength(1);
  });

  const isBlocked = async (fanId: number) => {
    const row = (await h.testDb.db('users').where('id', fanId).first('is_blocked')) as {
      is_blocked: unknown;
    };
    return row.is_blocked === true || row.is_blocked === 1;
  };

  it('a fan marked blocked by a 403 is reachable again as soon as they write', async () => {
    const { sim, adminChatId, ownerId } = h;
    const fan = sim.control.createUser({ first_name: 'Ghosty' });
    await grantCredits(h, fan, 10, 'grant:cs_ghosty');
    sim.control.fanSendsText(fan.id, 'hello');
    const topic = await topicOf(sim, adminChatId, 'Ghosty');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 1,
      15_000,
      'first relay',
    );
    // Telegram said "blocked" once (say, the fan blocked and unblocked while we were down).
    sim.control.injectFault({
      fault: { type: 'error', code: 403, description: 'Forbidden: bot was blocked by the user' },
      methods: ['copyMessage'],
      chatId: fan.id,
    });
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'first answer');
    await until(() => isBlocked(fan.id), 'marked blocked');
    sim.control.fanSendsText(fan.id, 'I am here');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'I am here'),
      10_000,
      'relayed',
    );
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'second answer');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text === 'second answer'),
      10_000,
      'second answer delivered',
    );
  });
});
