/**
 * The dashboard's time windows. Days are UTC calendar days: "today" starts at 00:00 UTC, and
 * "N days" are the last N calendar days including today, so the 30-day figure is exactly the
 * sum of the chart's 30 daily bars.
 */

export const DAY_MS = 86_400_000;

/** The ranges the dashboard offers (its buttons). */
export const DASHBOARD_RANGES = [1, 7, 30, 90] as const;
export type RangeDays = (typeof DASHBOARD_RANGES)[number];

/** The range /admin opens with. */
export const DEFAULT_RANGE: RangeDays = 7;

/** Days the chart shows (revenue and messages per day). */
export const CHART_DAYS = 30;

/** True when `value` is one of the dashboard's ranges. */
export function isRangeDays(value: number): value is RangeDays {
  return (DASHBOARD_RANGES as readonly number[]).includes(value);
}

/** The UTC day number of `at` (days since 1970-01-01). */
export function dayNumber(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}

/** 00:00 UTC of day number `day`. */
export function dayStart(day: number): Date {
  return new Date(day * DAY_MS);
}

/** `2026-12-07`. */
export function dayLabel(day: number): string {
  return dayStart(day).toISOString().slice(0, 10);
}

/** The last `days` calendar days up to `now`: from 00:00 UTC of the first one. */
export interface StatsWindow {
  days: number;
  firstDay: number;
  from: Date;
}

/** The window of the last `days` calendar days (today included) at `now`. */
export function windowOf(now: Date, days: number): StatsWindow {
  const firstDay = dayNumber(now) - days + 1;
  return { days, firstDay, from: dayStart(firstDay) };
}
