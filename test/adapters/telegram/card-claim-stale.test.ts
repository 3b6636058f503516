/**
 * A fan card left "being posted": a process that stopped between claiming a topic's card
 * (`card_message_id` 0) and posting it left the claim on the row, and every refresh skipped
 * the card from then on — the team never saw that fan's card again. A claim older than
 * CARD_CLAIM_STALE_MS is taken over: the next refresh (the fan's next message asks for one)
 * posts the card. The real runtime against the Telegram simulator, on SQLite or Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_CLAIM_STALE_MS } from '../../../src/adapters/db/fan-account-store.js';
import { isFanCard, type Harness } from './harness.js';
import { startFanHarness } from './fan-harness.js';

describe('a fan card claim left behind by a stopped process', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness({ freeMessages: true });
  });
  afterAll(async () => {
    expect(h.sim.control.violations()).toEqual([]);
    await h?.close();
  });

  it('is taken over once stale: the next refresh posts the card', { timeout: 60_000 }, async () => {
    const { sim, adminChatId, testDb } = h;
    const fan = sim.control.createUser({ first_name: 'Stale' });
    sim.control.fanSendsText(fan.id, 'first');
    const topic = await sim.control.waitFor(
      () => sim.control.topics(adminChatId).find((t) => t.name.startsWith('Stale')),
      30_000,
      'the topic',
    );
    const cards = () =>
      sim.control.messages(adminChatId, { threadId: topic.threadId }).filter(isFanCard);
    await sim.control.waitFor(() => cards().length === 1, 30_000, 'the first card');
    /** The card message id stored for the fan once it is `expected` (polled, 2 s at most). */
    async function storedCard(expected: number) {
      let stored: unknown;
      for (let i = 0; i < 100; i++) {
        const row = (await testDb
          .db('conversations')
          .where('user_id', fan.id)
          .first('card_message_id')) as { card_message_id: number | string | null };
        stored = row.card_message_id === null ? null : Number(row.card_message_id);
        if (stored === expected) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return stored;
    }
    expect(await storedCard(cards()[0]!.messageId)).toBe(cards()[0]!.messageId);

    // As a process that claimed the card and stopped before posting it leaves the row.
    await testDb
      .db('conversations')
      .where('user_id', fan.id)
      .update({
        card_message_id: 0,
        updated_at: new Date(Date.now() - CARD_CLAIM_STALE_MS - 60_000),
      });
    sim.control.fanSendsText(fan.id, 'second');
    await sim.control.waitFor(() => cards().length === 2, 30_000, 'the card posted again');
    const posted = cards()[1]!.messageId;
    expect(await storedCard(posted)).toBe(posted);
  });
});
