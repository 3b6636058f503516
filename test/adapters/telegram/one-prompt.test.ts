/**
 * Issue 13 item 8: one "Not enough credits" prompt per burst — across concurrent updates,
 * and on Postgres, since the mark is persisted under the fan's row lock — and again after a
 * top-up. The real runtime against the Telegram simulator, on SQLite or Postgres.
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

describe('one prompt per burst', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ tuning: { concurrency: 16 } });
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  const prompts = (fanId: number) =>
    botMessages(h.sim, fanId).filter((m) => m.text?.startsWith('Not enough credits'));

  it('0 credits, 20 texts at once → one prompt with the shop keyboard, nothing relayed or charged', async () => {
    const { sim, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Broke' });
    for (let i = 0; i < 20; i++) sim.control.fanSendsText(fan.id, `broke ${i}`);
    await fanChatSettled(sim, fan.id);
    expect(prompts(fan.id)).toHaveLength(1);
    expect(
      prompts(fan.id)[0]!
        .buttons.flat()
        .some((b) => b.callbackData?.startsWith('buy:')),
    ).toBe(true);
    expect(sim.control.topics(h.adminChatId).some((t) => t.name === 'Broke')).toBe(false);
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(0);
  });

  it('5 credits vs 20 texts → 5 relayed, one prompt; a top-up and a new shortfall prompt again', async () => {
    const { sim, adminChatId, runtime } = h;
    const fan = sim.control.createUser({ first_name: 'Burst' });
    await grantCredits(h, fan, 5, 'grant:cs_burst');
    for (let i = 0; i < 20; i++) sim.control.fanSendsText(fan.id, `burst ${i}`);
    await fanChatSettled(sim, fan.id);
    const topic = await topicOf(sim, adminChatId, 'Burst');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).length === 5,
      15_000,
      '5 relays',
    );
    expect(prompts(fan.id)).toHaveLength(1);
    expect(prompts(fan.id)[0]!.text).toContain('you have 0, so you need 1 more');

    await grantCredits(h, fan, 2, 'grant:cs_burst_2');
    for (let i = 0; i < 6; i++) sim.control.fanSendsText(fan.id, `again ${i}`);
    await fanChatSettled(sim, fan.id);
    expect(prompts(fan.id)).toHaveLength(2);
    expect((await runtime.ledger.balance(fan.id)).credits).toBe(0);
    expect(await runtime.ledger.sumLedger(fan.id)).toMatchObject({ credits: 0 });
  });
});
