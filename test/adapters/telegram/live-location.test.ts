/**
 * Issue 13 item 4: a live location is one topic message (the start, plus one note), then at
 * most one position per interval while it moves, and nothing once sharing stops — never a
 * group message per move. Time runs 100× faster, so the 5-minute interval is 3 s here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { grantCredits, relayed, sleep, startFanHarness, topicOf } from './fan-harness.js';

describe('live locations (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  async function waitForCopy(fanId: number, messageId: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const copy = await h.runtime.fan.links.topicCopyOf(fanId, messageId);
      if (copy !== null) return copy;
      await sleep(50);
    }
    throw new Error(`no copy of ${messageId}`);
  }

  it('a moving live location is one topic message and a note, not one message per move', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Walker' });
    await grantCredits(h, fan, 5, 'grant:cs_walker');
    const live = sim.control.fanSendsLiveLocation(fan.id, 48.85, 2.35, { livePeriod: 3600 });
    const topic = await topicOf(sim, adminChatId, 'Walker');
    const copy = await waitForCopy(fan.id, live.message_id);
    for (let i = 1; i <= 30; i++)
      sim.control.fanMovesLiveLocation(fan.id, live.message_id, 48.85 + i / 1000, 2.35);
    const note = await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).find((m) => m.text?.startsWith('📍')),
      10_000,
      'live note',
    );
    expect(note.replyToMessageId).toBe(copy);
    await sleep(500);
    expect(relayed(sim, adminChatId, topic.threadId)).toHaveLength(2);

    // One interval later, a burst of moves shows one position.
    await sleep(3_500);
    for (let i = 1; i <= 10; i++)
      sim.control.fanMovesLiveLocation(fan.id, live.message_id, 48.9 + i / 1000, 2.4);
    const update = await sim.control.waitFor(
      () =>
        relayed(sim, adminChatId, topic.threadId).find(
          (m) => m.kind === 'location' && m.messageId !== copy,
        ),
      10_000,
      'one position update',
    );
    expect(update.raw.location!.latitude).toBeCloseTo(48.901, 6);
    expect(update.raw.location!.longitude).toBeCloseTo(2.4, 6);
    expect(update.raw.location!.live_period).toBeUndefined();

    sim.control.fanStopsLiveLocation(fan.id, live.message_id);
    await sleep(500);
    expect(relayed(sim, adminChatId, topic.threadId)).toHaveLength(3);
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(5 - 1);
  });

  it('a refused live location stays out of the topic while it moves', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Broke Walker' });
    const live = sim.control.fanSendsLiveLocation(fan.id, 40.0, -3.7);
    await sim.control.waitFor(
      () => sim.control.messages(fan.id).some((m) => m.fromBot && m.text?.startsWith('Not enough')),
      10_000,
      'buy prompt',
    );
    for (let i = 1; i <= 10; i++)
      sim.control.fanMovesLiveLocation(fan.id, live.message_id, 40 + i / 100, -3.7);
    sim.control.fanStopsLiveLocation(fan.id, live.message_id);
    await sleep(500);
    expect(sim.control.topics(adminChatId).some((t) => t.name.startsWith('Broke Walker'))).toBe(
      false,
    );
  });
});
