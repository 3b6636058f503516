import { describe, expect, it } from 'vitest';
import { tierFor, tierThresholdsAreValid } from '../../src/core/tiers.js';

const thresholds = { regular: 2000, vip: 10000 };

describe('tierFor', () => {
  it('places fans by total spend, thresholds inclusive', () => {
    expect(tierFor(0, thresholds)).toBe('new');
    expect(tierFor(1999, thresholds)).toBe('new');
    expect(tierFor(2000, thresholds)).toBe('regular');
    expect(tierFor(9999, thresholds)).toBe('regular');
    expect(tierFor(10000, thresholds)).toBe('vip');
    expect(tierFor(1_000_000, thresholds)).toBe('vip');
  });
});

describe('tierThresholdsAreValid', () => {
  it('requires whole non-negative cents and vip ≥ regular', () => {
    expect(tierThresholdsAreValid(thresholds)).toBe(true);
    expect(tierThresholdsAreValid({ regular: 500, vip: 500 })).toBe(true);
    expect(tierThresholdsAreValid({ regular: 5000, vip: 100 })).toBe(false);
    expect(tierThresholdsAreValid({ regular: -1, vip: 100 })).toBe(false);
    expect(tierThresholdsAreValid({ regular: 1.5, vip: 100 })).toBe(false);
  });
});
