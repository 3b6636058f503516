/** The admin group's shared sliding-window log (core/traffic/shared-window.ts). */
import { describe, expect, it } from 'vitest';
import {
  decodeShared,
  encodeShared,
  settleShared,
  sharedDelay,
  takeShared,
  type SharedSend,
} from '../../../src/core/traffic/shared-window.js';

const rule = { limit: 3, windowMs: 1000 };

describe('the shared group window', () => {
  it('takes sends while they fit, then says how long until the oldest closed one leaves', () => {
    let log: SharedSend[] = [];
    for (const [i, slot] of ['a', 'b', 'c'].entries()) {
      const take = takeShared(log, 100 + i, rule, 1, slot);
      expect(take.taken).toBe(true);
      log = settleShared(take.log, 150 + i, rule, slot, false);
    }
    const refused = takeShared(log, 400, rule, 1, 'd');
    expect(refused).toMatchObject({ taken: false, delay: 150 + 1000 - 400 });
    expect(takeShared(log, 1150, rule, 1, 'd').taken).toBe(true);
  });

  it('counts a send in flight until it is answered, then from the answer', () => {
    const open = takeShared([], 0, rule, 3, 'batch').log;
    // Long after the window, the call is still in flight: it still counts (polled soon).
    expect(sharedDelay(open, 1500, rule)).toBe(5);
    const closed = settleShared(open, 1600, rule, 'batch', false);
    expect(sharedDelay(closed, 1700, rule)).toBe(1600 + 1000 - 1700);
  });

  it('gives back the sends of a call answered 429 (nothing was posted)', () => {
    const take = takeShared([], 0, rule, 2, 'x');
    expect(settleShared(take.log, 10, rule, 'x', true)).toEqual([]);
  });

  it('drops an open send whose process died, after two windows', () => {
    const open = takeShared([], 0, rule, 3, 'lost').log;
    expect(takeShared(open, 1999, rule, 1, 'y').taken).toBe(false);
    expect(takeShared(open, 2001, rule, 1, 'y').taken).toBe(true);
  });

  it('stores the log compactly and reads anything unreadable as empty', () => {
    const log: SharedSend[] = [
      { slot: 'a', at: 1, open: true },
      { slot: 'b', at: 2, open: false },
    ];
    expect(decodeShared(encodeShared(log))).toEqual(log);
    expect(decodeShared('not json')).toEqual([]);
    expect(decodeShared(null)).toEqual([]);
  });
});
