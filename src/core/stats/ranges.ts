/**
 * The dashboard's time windows, in calendar days of the install's time zone
 * (`display.time_zone`): "today" starts at local midnight, and "N days" are the last N local
 * days including today, so the 30-day figure is exactly the sum of the chart's 30 bars.
 * Day numbers count local dates from 1970-01-01 (the UTC epoch's date), so they are
 * comparable across zones.
 */

export const DAY_MS = 86_400_000;

/**
 * The store groups timestamps into buckets this long: every real zone's offset is a
 * multiple of 15 minutes, so each bucket lies inside one local day.
 */
export const BUCKET_MS = 900_000;

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

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock parts in `timeZone` (an invalid zone reads as UTC). */
function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format) return format;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  };
  try {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
  }
  if (formats.size > 50) formats.clear();
  formats.set(timeZone, format);
  return format;
}

/** The local wall-clock time of `at` in `timeZone`, read as if it were UTC (epoch ms). */
function wallClock(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(at)) parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return wall + (parts.second ?? 0) * 1000 + (((at % 1000) + 1000) % 1000);
}

/** The local day number of `at` in `timeZone`. */
export function localDay(at: Date | number, timeZone = 'UTC'): number {
  return Math.floor(wallClock(typeof at === 'number' ? at : at.getTime(), timeZone) / DAY_MS);
}

/** The instant local day `day` begins in `timeZone` (its first moment after a DST jump). */
export function localDayStart(day: number, timeZone = 'UTC'): Date {
  const midnight = day * DAY_MS;
  let guess = midnight - (wallClock(midnight, timeZone) - midnight);
  guess = midnight - (wallClock(guess, timeZone) - guess);
  // A zone whose clocks jump over midnight starts the day at the jump.
  while (localDay(guess, timeZone) < day) guess += BUCKET_MS;
  while (localDay(guess - BUCKET_MS, timeZone) >= day) guess -= BUCKET_MS;
  return new Date(guess);
}

/** `2026-12-07` for a day number. */
export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` local days up to `now`: from the start of the first one. */
export interface StatsWindow {
  days: number;
  firstDay: number;
  from: Date;
}

/** The window of the last `days` local days (today included) at `now`. */
export function windowOf(now: Date, days: number, timeZone = 'UTC'): StatsWindow {
  const firstDay = localDay(now, timeZone) - days + 1;
  return { days, firstDay, from: localDayStart(firstDay, timeZone) };
}

/**
 * Maps bucket starts (epoch ms) to local day numbers from `firstDay` to `lastDay`, with the
 * days' starts computed once (not one time-zone lookup per bucket).
 */
export function dayMapper(
  firstDay: number,
  lastDay: number,
  timeZone = 'UTC',
): (at: number) => number {
  const starts: number[] = [];
  for (let day = firstDay; day <= lastDay + 1; day += 1) {
    starts.push(localDayStart(day, timeZone).getTime());
  }
  return (at) => {
    if (at < starts[0]!) return firstDay - 1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return firstDay + lo;
  };
}
