import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, topicTexts, type Harness } from './harness.js';

describe('relay through the outbox (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('copies a fan message into a new topic and a team answer back to the fan', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Fiona', username: 'fi_fan' });
    sim.control.fanSendsText(fan.id, 'hello team');
    sim.control.fanSendsText(fan.id, 'second message');
    const topic = await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.name.startsWith('Fiona')),
      10_000,
      'fan topic',
    );
    await sim.control.waitFor(
      () => topicTexts(sim, adminChatId, topic.threadId).length === 2,
      10_000,
      'two relays',
    );
    expect(topicTexts(sim, adminChatId, topic.threadId)).toEqual(['hello team', 'second message']);

    sim.control.adminSendsInTopic(h.ownerId, adminChatId, topic.threadId, 'hi Fiona');
    await sim.control.waitFor(
      () => sim.control.messages(fan.id).some((m) => m.fromBot && m.text === 'hi Fiona'),
      10_000,
      'answer delivered',
    );
    expect(sim.control.violations()).toEqual([]);
  });
});
