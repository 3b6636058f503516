import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../../../src/core/traffic/bounded-set.js';
import { ALERT_KEYS_REMEMBERED, AlertThrottle } from '../../../src/core/traffic/alert-throttle.js';

describe('bounded set and map', () => {
  it('forget their oldest entries beyond the cap; re-adding refreshes', () => {
    const set = new BoundedSet<number>(3);
    for (const n of [1, 2, 3]) set.add(n);
    set.add(1);
    set.add(4);
    expect([...set]).toEqual([3, 1, 4]);
    for (let i = 0; i < 10_000; i++) set.add(i + 100);
    expect(set.size).toBe(3);

    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...map]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});

describe('alert throttle memory', () => {
  it('remembers at most ALERT_KEYS_REMEMBERED keys: the oldest is forgotten, recent ones still deduplicated', () => {
    const throttle = new AlertThrottle({ dedupeMs: 600_000, maxPerWindow: 1e9, windowMs: 1 });
    for (let i = 0; i <= ALERT_KEYS_REMEMBERED; i++) throttle.check(`fan:${i}`, 0);
    expect(throttle.check(`fan:${ALERT_KEYS_REMEMBERED}`, 1)).toEqual({ send: false });
    expect(throttle.check('fan:0', 1)).toEqual({ send: true, suppressedBefore: 0 });
  });
});
