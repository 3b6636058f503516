/**
 * Issue 13 items 2 and 12: edits follow the same rules as messages. An edit of a message
 * that never reached the topic is a new message (charged or refused), a banned fan's edits
 * are ignored, team edits reach the fan's copy, and long edit notices are split, not dropped.
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

describe('edits (simulator over HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await seedProducts(h);
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  /** Waits until the fan's message has a copy in the topic (its link is recorded). */
  async function waitForCopy(fanId: number, messageId: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const copy = await h.runtime.fan.links.topicCopyOf(fanId, messageId);
      if (copy !== null) return copy;
      await sleep(50);
    }
    throw new Error(`no copy of ${messageId}`);
  }

  it('an edit of a refused message is charged as a new message, never relayed for free', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Edgar' });
    const refused = sim.control.fanSendsText(fan.id, 'no credits yet');
    const prompts = () =>
      botMessages(sim, fan.id).filter((m) => m.text?.startsWith('Not enough credits'));
    await sim.control.waitFor(() => prompts().length === 1, 10_000, 'buy prompt');

    sim.control.fanEdits(fan.id, refused.message_id, 'free text through an edit?');
    await sleep(500);
    expect(sim.control.topics(adminChatId).some((t) => t.name.startsWith('Edgar'))).toBe(false);
    expect(sim.control.messages(adminChatId).some((m) => m.text?.includes('free text'))).toBe(
      false,
    );

    await grantCredits(h, fan, 5, 'grant:cs_edgar');
    sim.control.fanEdits(fan.id, refused.message_id, 'paid edit');
    const topic = await topicOf(sim, adminChatId, 'Edgar');
    await sim.control.waitFor(
      () => relayed(sim, adminChatId, topic.threadId).some((m) => m.text === 'paid edit'),
      10_000,
      'edit relayed as a message',
    );
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(4);
    expect(relayed(sim, adminChatId, topic.threadId).map((m) => m.text)).toEqual(['paid edit']);
  });

  it("a banned fan's edits are ignored, relayed or not", async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Bannon' });
    await grantCredits(h, fan, 3, 'grant:cs_bannon');
    const sent = sim.control.fanSendsText(fan.id, 'hello team');
    const topic = await topicOf(sim, adminChatId, 'Bannon');
    await waitForCopy(fan.id, sent.message_id);
    await h.runtime.fan.accounts.setBanned(fan.id, true);
    const refused = sim.control.fanSendsText(fan.id, 'while banned');
    await sim.control.waitFor(
      () => botMessages(sim, fan.id).some((m) => m.text?.startsWith('Sorry, you can no longer')),
      10_000,
      'refusal',
    );

    sim.control.fanEdits(fan.id, sent.message_id, 'hello team (edited while banned)');
    sim.control.fanEdits(fan.id, refused.message_id, 'banned edit');
    await sleep(500);
    expect(relayed(sim, adminChatId, topic.threadId).map((m) => m.text)).toEqual(['hello team']);
    expect((await h.runtime.ledger.balance(fan.id)).credits).toBe(2);
  });

  it('an edit notice longer than 4096 characters is split, not dropped', async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Longwin' });
    await grantCredits(h, fan, 3, 'grant:cs_longwin');
    const sent = sim.control.fanSendsText(fan.id, 'short');
    const topic = await topicOf(sim, adminChatId, 'Longwin');
    await waitForCopy(fan.id, sent.message_id);
    const long = 'a'.repeat(2000) + ' *bold?* ' + 'b'.repeat(2087);
    expect(long.length).toBe(4096);
    sim.control.fanEdits(fan.id, sent.message_id, long);
    const notices = () =>
      relayed(sim, adminChatId, topic.threadId).filter((m) => m.text !== 'short');
    await sim.control.waitFor(() => notices().length === 2, 10_000, 'two notices');
    const [first, second] = notices();
    expect(first!.text!.startsWith('✏️ Edited:\n')).toBe(true);
    expect(first!.text!.length).toBeLessThanOrEqual(4096);
    expect(first!.text!.slice('✏️ Edited:\n'.length) + second!.text!).toBe(long);
    expect(first!.replyToMessageId).toBe(await waitForCopy(fan.id, sent.message_id));
  });
});
