/**
 * Issue 13 item 5: an album is one unit — paid in full or not at all (one prompt when
 * short), relayed in one copyMessages call. The real runtime against the Telegram
 * simulator, on SQLite or Postgres (a photo costs 3 credits as shipped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import {
  botMessages,
  grantCredits,
  relayed,
  seedProducts,
  startFanHarness,
  topicOf,
} from './fan-harness.js';
import { fanChatSettled } from './settle.js';

describe('albums are one unit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  const prompts = (fanId: number) =>
    botMessages(h.sim, fanId).filter((m) => m.text?.startsWith('Not enough credits'));

  it('an album the fan can pay for is charged the sum and relayed in one copyMessages call', async () => {
    const { sim, adminChatId, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Albina' });
    await grantCredits(h, fan, 10, 'grant:cs_albina');
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, 'Albina');
    await sim.control.waitFor(() => relayed(sim, adminChatId, topic.threadId).length === 1, 15_000);
    const calls = sim.control.calls({ method: 'copyMessages' }).length;
    sim.control.fanSendsAlbum(fan.id, [{ kind: 'photo' }, { kind: 'photo' }, { kind: 'photo' }]);
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 4,
      15_000,
      'the album',
    );
    expect(sim.control.calls({ method: 'copyMessages' })).toHaveLength(calls + 1);
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(10 - 1 - 9);
  });

  it('an album the fan cannot pay in full: nothing relayed, nothing charged, one prompt for the album', async () => {
    const { sim, adminChatId, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Shorty' });
    await grantCredits(h, fan, 8, 'grant:cs_shorty');
    sim.control.fanSendsText(fan.id, 'hi');
    const topic = await topicOf(sim, adminChatId, 'Shorty');
    await sim.control.waitFor(() => relayed(sim, adminChatId, topic.threadId).length === 1, 15_000);
    sim.control.fanSendsAlbum(fan.id, [
      { kind: 'photo', caption: 'a' },
      { kind: 'photo' },
      { kind: 'photo' },
      { kind: 'photo' },
    ]);
    await fanChatSettled(sim, fan.id);
    // A text after it goes through: the album's credits were all given back.
    sim.control.fanSendsText(fan.id, 'after the album');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'after the album'),
      15_000,
      'the text after',
    );
    expect(relayed(sim, adminChatId, topic.threadId).map((m) => m.kind)).toEqual(['text', 'text']);
    expect(prompts(fan.id)).toHaveLength(1);
    expect(prompts(fan.id)[0]!.text).toContain('this album costs 9 credits and you have 7');
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(6);
    expect(await runtime.ledger.sumLedger(fan.id)).toMatchObject({ credits: 6 });
  });
});
