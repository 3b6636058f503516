/**
 * Issue 13 item 11: alerts reach someone and read like a person wrote them. An owner who never
 * pressed Start cannot get alerts in private: the Alerts topic of the admin group says so, once,
 * naming them and telling them what to press. Alerts name the fan, not a chat id. The real
 * runtime against the Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { relayed, startFanHarness, topicOf } from './fan-harness.js';

describe('alerts reach someone', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ freeMessages: true });
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  const alertsTopic = () =>
    h.sim.control.topics(h.adminChatId).find((t) => t.name.includes('Alerts'));
  const alertTexts = () => {
    const topic = alertsTopic();
    if (!topic) return [];
    return h.sim.control
      .messages(h.adminChatId, { threadId: topic.threadId })
      .filter((m) => m.fromBot)
      .map((m) => m.text ?? '');
  };

  it('an owner who never pressed Start is named in the Alerts topic, once, with what to do', async () => {
    const { sim, adminChatId, ownerId } = h;
    const fan = sim.control.createUser({ first_name: 'Bea', username: 'bea_fan' });
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, 'Bea');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 1,
      15_000,
      'relayed',
    );
    // A long flood wait on the fan's chat raises a critical alert (group and owners).
    sim.control.floodWait(fan.id, 6_000);
    sim.control.adminSendsInTopic(ownerId, adminChatId, topic.threadId, 'welcome!');
    await sim.control.waitFor(
      () => alertTexts().some((t) => t.includes('Olivia') && t.includes('Start')),
      15_000,
      'owner told to press Start',
    );
    const hint = alertTexts().filter((t) => t.includes('Olivia') && t.includes('Start'));
    expect(hint).toHaveLength(1);
    expect(hint[0]).toContain('@olivia_owner');

    const pause = alertTexts().find((t) => t.includes('paused'));
    expect(pause).toContain('Bea');
    expect(pause).toContain('@bea_fan');
    expect(pause).not.toContain(`chat ${fan.id}`);
  });
});
