/** Fan tiers, earned by total spend. */

export const TIERS = ['new', 'regular', 'vip'] as const;

export type Tier = (typeof TIERS)[number];

/** Minimum total spend, in cents, for each tier above `new`. */
export interface TierThresholds {
  regular: number;
  vip: number;
}

/** The tier a fan who spent `totalSpentCents` belongs to. */
export function tierFor(totalSpentCents: number, thresholds: TierThresholds): Tier {
  if (totalSpentCents >= thresholds.vip) return 'vip';
  if (totalSpentCents >= thresholds.regular) return 'regular';
  return 'new';
}

/** True when thresholds are usable: whole non-negative cents and VIP at or above Regular. */
export function tierThresholdsAreValid(thresholds: TierThresholds): boolean {
  return (
    Number.isSafeInteger(thresholds.regular) &&
    Number.isSafeInteger(thresholds.vip) &&
    thresholds.regular >= 0 &&
    thresholds.vip >= thresholds.regular
  );
}
