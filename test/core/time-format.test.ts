/**
 * Times as readers expect them: in their language and the install's time zone
 * (`display.time_zone`), never a bare UTC timestamp.
 */
import { describe, expect, it } from 'vitest';
import { validateSetting } from '../../src/config/settings.js';
import { formatDateTime, formatMoment } from '../../src/core/time-format.js';

/** Intl puts narrow no-break spaces before AM/PM in some ICU versions. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

const at = new Date('2026-12-06T21:57:00Z');

describe('formatDateTime', () => {
  it('writes the date and time in the reader’s language and the zone, naming the zone', () => {
    expect(plain(formatDateTime(at, { locale: 'en', timeZone: 'UTC' }))).toBe(
      'Dec 6, 2026, 9:57 PM UTC',
    );
    expect(plain(formatDateTime(at, { locale: 'fr', timeZone: 'Europe/Paris' }))).toBe(
      '6 déc. 2026, 22:57 UTC+1',
    );
    expect(plain(formatDateTime(at, { locale: 'en', timeZone: 'America/New_York' }))).toBe(
      'Dec 6, 2026, 4:57 PM EST',
    );
  });

  it('falls back to English for a language tag Intl refuses, and to UTC for an unknown zone', () => {
    expect(plain(formatDateTime(at, { locale: 'not a tag!', timeZone: 'Mars/Olympus' }))).toBe(
      'Dec 6, 2026, 9:57 PM UTC',
    );
    expect(plain(formatDateTime(at))).toBe('Dec 6, 2026, 9:57 PM UTC');
  });
});

describe('formatMoment', () => {
  it('gives only the time on the same day, in the zone', () => {
    const now = new Date('2026-12-06T20:57:00Z');
    expect(plain(formatMoment(at, now, { locale: 'en', timeZone: 'UTC' }))).toBe('9:57 PM UTC');
    expect(plain(formatMoment(at, now, { locale: 'fr', timeZone: 'Europe/Paris' }))).toBe(
      '22:57 UTC+1',
    );
  });

  it('adds the date when the day changes in the zone (not in UTC)', () => {
    const now = new Date('2026-12-06T22:30:00Z');
    const end = new Date('2026-12-06T23:30:00Z');
    expect(plain(formatMoment(end, now, { locale: 'en', timeZone: 'UTC' }))).toBe('11:30 PM UTC');
    // 23:30 UTC is already the 7th in Paris; 22:30 UTC is still the 6th.
    expect(plain(formatMoment(end, now, { locale: 'fr', timeZone: 'Europe/Paris' }))).toBe(
      '7 déc. 2026, 00:30 UTC+1',
    );
  });
});

describe('the display.time_zone setting', () => {
  it('takes IANA names Intl knows and refuses anything else', () => {
    expect(validateSetting('display.time_zone', 'Europe/Paris')).toEqual({
      ok: true,
      value: 'Europe/Paris',
    });
    expect(validateSetting('display.time_zone', 'UTC').ok).toBe(true);
    expect(validateSetting('display.time_zone', 'Mars/Olympus').ok).toBe(false);
    expect(validateSetting('display.time_zone', '').ok).toBe(false);
  });
});
