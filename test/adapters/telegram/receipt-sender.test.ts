/**
 * Issue 17: receipts are no outbox jobs. The in-memory ReceiptSender sends each reaction
 * once, one call per fan at a time (a fan's reactions land in order), coalesces a newer
 * reaction over a queued one of the same message and a fan's burst into one reaction on its
 * latest message, and never lets a failure stop the rest.
 */
import { describe, expect, it } from 'vitest';
import { ReceiptSender } from '../../../src/adapters/telegram/receipts.js';
import { silentLogger } from '../../../src/core/logger.js';

interface Call {
  chat_id: number;
  message_id: number;
  emoji: string;
}

/** A sender whose calls finish when the test says so. */
function fakeSender(failFor?: number) {
  const calls: Call[] = [];
  const waiting: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perFan = new Map<number, number>();
  let maxPerFan = 0;
  return {
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    get maxPerFan() {
      return maxPerFan;
    },
    /** Lets every call in flight finish. */
    async release() {
      while (waiting.length > 0) waiting.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    },
    sender: {
      async send(_method: string, params: Record<string, unknown>): Promise<unknown> {
        const chatId = params.chat_id as number;
        const reaction = params.reaction as Array<{ emoji: string }>;
        calls.push({
          chat_id: chatId,
          message_id: params.message_id as number,
          emoji: reaction[0]!.emoji,
        });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        perFan.set(chatId, (perFan.get(chatId) ?? 0) + 1);
        maxPerFan = Math.max(maxPerFan, perFan.get(chatId)!);
        await new Promise<void>((resolve) => waiting.push(resolve));
        inFlight--;
        perFan.set(chatId, perFan.get(chatId)! - 1);
        if (chatId === failFor) throw new Error('Forbidden: bot was blocked by the user');
        return true;
      },
    } as never,
  };
}

describe('receipt sender (issue 17)', () => {
  it('sends a few at a time, one per fan at a time, in order; a burst gets one reaction', async () => {
    const fake = fakeSender();
    const receipts = new ReceiptSender({
      sender: fake.sender,
      logger: silentLogger,
      concurrency: 3,
    });
    const fans = [1, 2, 3, 4, 5];
    for (let m = 1; m <= 4; m++) {
      receipts.add(fans.map((fanId) => ({ fanId, messageId: m, emoji: '👀' })));
    }
    // Fans 1–3 got a call for message 1 at once; messages 2–4 waited behind it and became
    // one reaction on message 4. Fans 4 and 5 waited for a free call: message 4 only.
    expect(receipts.waiting).toBe(5);
    while (fake.calls.length < 8) await fake.release();
    await fake.release();
    await receipts.flush();
    expect(fake.calls).toHaveLength(8);
    expect(fake.maxInFlight).toBe(3);
    expect(fake.maxPerFan).toBe(1);
    for (const fanId of fans) {
      expect(fake.calls.filter((c) => c.chat_id === fanId).map((c) => c.message_id)).toEqual(
        fanId <= 3 ? [1, 4] : [4],
      );
    }
    expect(receipts.waiting).toBe(0);
  });

  it('messages that come one at a time each get their reaction', async () => {
    const fake = fakeSender();
    const receipts = new ReceiptSender({ sender: fake.sender, logger: silentLogger });
    for (let m = 1; m <= 4; m++) {
      receipts.add([{ fanId: 1, messageId: m, emoji: '👀' }]);
      while (fake.calls.length < m) await fake.release();
      await fake.release();
    }
    await receipts.flush();
    expect(fake.calls.map((c) => c.message_id)).toEqual([1, 2, 3, 4]);
  });

  it('a reaction on a later message stands for queued ones; 👍 for a queued 👀', async () => {
    const fake = fakeSender();
    const receipts = new ReceiptSender({
      sender: fake.sender,
      logger: silentLogger,
      concurrency: 1,
    });
    receipts.add([{ fanId: 9, messageId: 1, emoji: '👀' }]); // in flight
    receipts.add([
      { fanId: 9, messageId: 3, emoji: '👀' },
      { fanId: 9, messageId: 2, emoji: '👀' }, // delivered late: message 3's stands for it
    ]);
    expect(receipts.waiting).toBe(1);
    receipts.add([{ fanId: 9, messageId: 4, emoji: '👍' }]); // the team answered message 4
    expect(receipts.waiting).toBe(1);
    receipts.add([{ fanId: 10, messageId: 6, emoji: '👍' }]);
    receipts.add([{ fanId: 10, messageId: 7, emoji: '👀' }]); // 👀 does not stand for a 👍
    expect(receipts.waiting).toBe(3);
    while (fake.calls.length < 4) await fake.release();
    await fake.release();
    await receipts.flush();
    expect(fake.calls).toEqual([
      { chat_id: 9, message_id: 1, emoji: '👀' },
      { chat_id: 9, message_id: 4, emoji: '👍' },
      { chat_id: 10, message_id: 6, emoji: '👍' },
      { chat_id: 10, message_id: 7, emoji: '👀' },
    ]);
  });

  it('a newer reaction replaces a queued one of the same message; a failure stops nothing', async () => {
    const fake = fakeSender(7);
    const receipts = new ReceiptSender({
      sender: fake.sender,
      logger: silentLogger,
      concurrency: 1,
    });
    receipts.add([{ fanId: 7, messageId: 1, emoji: '👀' }]);
    receipts.add([
      { fanId: 8, messageId: 5, emoji: '👀' },
      { fanId: 8, messageId: 5, emoji: '👍' },
      { fanId: 8, messageId: 5, emoji: '👍' },
    ]);
    expect(receipts.waiting).toBe(1);
    while (fake.calls.length < 2) await fake.release();
    await fake.release();
    await receipts.flush();
    expect(fake.calls).toEqual([
      { chat_id: 7, message_id: 1, emoji: '👀' },
      { chat_id: 8, message_id: 5, emoji: '👍' },
    ]);
  });
});
