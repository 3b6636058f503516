/**
 * The fan's balance as they see it: `Credits: 75/100 [████████░░] 75%`.
 *
 * What 100% is: the fan's balance right after their latest top-up (a purchase, a gift or an
 * admin adjustment). The bar therefore shows how much of the last top-up is left; it never
 * exceeds 100%, and a fan who never topped up has a full bar of whatever they hold.
 */

/** Blocks in the bar. */
export const BAR_WIDTH = 10;

/** What a balance bar needs. */
export interface BalanceFigures {
  credits: number;
  /** The balance right after the latest top-up (null: never topped up). */
  lastTopUpBalance: number | null;
}

/** The 100% mark: the balance after the latest top-up, at least the current balance. */
export function fullMark(figures: BalanceFigures): number {
  return Math.max(figures.credits, figures.lastTopUpBalance ?? 0);
}

/** Whole percent of `full` that `credits` is (0 when full is 0). */
export function balancePercent(credits: number, full: number): number {
  if (full <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((credits / full) * 100)));
}

/** `[████████░░]` for a percentage. */
export function progressBar(percent: number, width = BAR_WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/**
 * `Credits: 75/100 [████████░░] 75%`; `label` comes from the fan's templates. With nothing
 * ever held (a new fan) there is no bar to show: `Credits: 0`, never "0/0".
 */
export function renderBalance(figures: BalanceFigures, label = 'Credits'): string {
  const full = fullMark(figures);
  if (full <= 0) return `${label}: ${figures.credits}`;
  const percent = balancePercent(figures.credits, full);
  return `${label}: ${figures.credits}/${full} ${progressBar(percent)} ${percent}%`;
}

/**
 * True when a spend took the balance from above the low-balance threshold to at or below
 * it. The alert goes out on the crossing only, not on every message after it.
 */
export function crossedLowBalance(before: number, after: number, threshold: number): boolean {
  return before > threshold && after <= threshold;
}

/**
 * Told after a spend has committed (auto-recharge hooks in here). Errors are logged by the
 * caller and never undo the spend.
 */
export interface SpendObserver {
  onCreditsSpent(fanId: number, before: number, after: number): void | Promise<void>;
}

/** The default observer: does nothing. */
export const noSpendObserver: SpendObserver = {
  onCreditsSpent() {},
};
