/**
 * Dates and times as a reader expects them: in their language (a fan's Telegram
 * `language_code`, or the admin language for the team) and in the install's time zone
 * (`display.time_zone`), with the zone named so nobody mistakes it for their own.
 */

/** Where and for whom a time is shown. */
export interface TimeDisplay {
  /** The reader's language (BCP 47, e.g. `fr`, `pt-br`); unknown tags fall back to English. */
  locale?: string;
  /** An IANA time zone (`Europe/Paris`); default UTC. */
  timeZone?: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter; a locale or zone Intl refuses falls back to English / UTC. */
function formatter(
  locale: string | undefined,
  timeZone: string | undefined,
  withDate: boolean,
): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${withDate ? 'd' : 't'}`;
  let format = formats.get(key);
  if (format) return format;
  const options: Intl.DateTimeFormatOptions = {
    ...(withDate ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  const attempts: Array<[string, string]> = [
    [locale || 'en', timeZone || 'UTC'],
    [locale || 'en', 'UTC'],
    ['en', timeZone || 'UTC'],
    ['en', 'UTC'],
  ];
  for (const [tag, zone] of attempts) {
    try {
      format = new Intl.DateTimeFormat(tag, { ...options, timeZone: zone });
      break;
    } catch {
      // RangeError: an invalid language tag or time zone; try the next fallback.
    }
  }
  if (formats.size > 200) formats.clear();
  formats.set(key, format!);
  return format!;
}

/** The calendar day of `date` in `timeZone` (`2026-12-06`). */
function dayIn(date: Date, timeZone: string | undefined): string {
  return formatterDay(timeZone).format(date);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function formatterDay(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = dayFormats.get(key);
  if (!format) {
    const options = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    try {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: timeZone || 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' });
    }
    dayFormats.set(key, format);
  }
  return format;
}

/** A date and time: `Dec 6, 2026, 9:57 PM GMT+1` (en), `6 déc. 2026, 21:57 UTC+1` (fr). */
export function formatDateTime(date: Date, display: TimeDisplay = {}): string {
  return formatter(display.locale, display.timeZone, true).format(date);
}

/**
 * A moment near `now`: only the time when it falls on the same day (`9:57 PM UTC`), the
 * date and time otherwise — for "your pass runs until …".
 */
export function formatMoment(date: Date, now: Date, display: TimeDisplay = {}): string {
  const sameDay = dayIn(date, display.timeZone) === dayIn(now, display.timeZone);
  return formatter(display.locale, display.timeZone, !sameDay).format(date);
}
