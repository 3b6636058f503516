/**
 * Issue 17: the 👀 receipts of a delivered batch are handed to the ReceiptSender before the
 * batch's message links are written — they wait for no database write (on SQLite the links'
 * write queues behind the intake's transactions on the one connection) and a failed write
 * loses no receipt. The 👍 of an answer still follows the links (it needs the fan's latest
 * message).
 */
import { describe, expect, it } from 'vitest';
import { createDeliveryHook, type Receipt } from '../../../src/adapters/telegram/receipts.js';
import type { MessageLink } from '../../../src/core/fan-account.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { OutboxJob } from '../../../src/core/traffic/outbox.js';

const ADMIN = -100123;

function relayJob(fanId: number, messageId: number): OutboxJob {
  return {
    id: messageId,
    kind: 'relay.fan',
    target: { type: 'topic', chatId: ADMIN, fanId },
    method: 'copyMessage',
    params: { from_chat_id: fanId, message_id: messageId },
    dedupeKey: `relay:${fanId}:${messageId}`,
  } as unknown as OutboxJob;
}

function teamJob(fanId: number, topicMessageId: number): OutboxJob {
  return {
    id: 1000 + topicMessageId,
    kind: 'relay.team',
    target: { type: 'chat', chatId: fanId },
    method: 'copyMessage',
    params: { from_chat_id: ADMIN, message_id: topicMessageId },
    dedupeKey: `team:${topicMessageId}`,
  } as unknown as OutboxJob;
}

/** Links whose write the test holds (or fails); the receipts handed over as they come. */
function setup(receiptsOn = true) {
  const added: Receipt[][] = [];
  let release!: () => void;
  let fail!: (err: Error) => void;
  const written = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  const recorded: MessageLink[][] = [];
  const hook = createDeliveryHook({
    links: {
      async record(links: readonly MessageLink[]) {
        recorded.push([...links]);
        await written;
      },
      latestFanMessage: async () => 55,
    } as never,
    receipts: { add: (r: readonly Receipt[]) => void added.push([...r]) },
    settings: {
      get: async (key: string) => (key === 'relay.receipts' ? receiptsOn : undefined) as never,
    },
    logger: silentLogger,
  });
  return { hook, added, recorded, release, fail };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('delivery hook: receipts (issue 17)', () => {
  it('hands the 👀 receipts over before the links are written', async () => {
    const s = setup();
    const done = s.hook([relayJob(7, 1), relayJob(8, 2)], [901, 902]);
    await tick();
    // The links' write has not finished: the receipts are out already.
    expect(s.recorded).toHaveLength(1);
    expect(s.added).toEqual([
      [
        { fanId: 7, messageId: 1, emoji: '👀' },
        { fanId: 8, messageId: 2, emoji: '👀' },
      ],
    ]);
    s.release();
    await done;
    expect(s.added).toHaveLength(1);
  });

  it('a failed links write loses no 👀 receipt', async () => {
    const s = setup();
    s.fail(new Error('database is locked'));
    await s.hook([relayJob(7, 1)], [901]);
    expect(s.added.flat()).toEqual([{ fanId: 7, messageId: 1, emoji: '👀' }]);
  });

  it('the 👍 of an answer follows the links; receipts turned off send nothing', async () => {
    const s = setup();
    s.release();
    await s.hook([teamJob(7, 300)], [77]);
    expect(s.added.flat()).toEqual([{ fanId: 7, messageId: 55, emoji: '👍' }]);

    const off = setup(false);
    off.release();
    await off.hook([relayJob(7, 1), teamJob(8, 301)], [901, 78]);
    expect(off.added).toEqual([]);
    expect(off.recorded).toHaveLength(1);
  });
});
