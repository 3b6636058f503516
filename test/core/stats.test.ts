/** The dashboard's pure rules: windows, revenue per currency, shares, the chart's days, the text. */
import { describe, expect, it } from 'vitest';
import { loadMessageCatalog } from '../../src/config/message-templates.js';
import { summarize, type DashboardRows } from '../../src/core/stats/dashboard.js';
import { dashboardText, fanName } from '../../src/core/stats/dashboard-text.js';
import {
  dayLabel,
  dayMapper,
  isRangeDays,
  localDay,
  localDayStart,
  windowOf,
} from '../../src/core/stats/ranges.js';

const NOW = new Date('2026-12-07T15:30:00Z');
const TODAY = localDay(NOW);

function rows(overrides: Partial<DashboardRows> = {}): DashboardRows {
  return {
    revenue: [],
    payingFans: 0,
    messages: [],
    fans: { active: 0, new: 0, converted: 0 },
    firstResponses: { answered: 0, medianMs: null },
    disputes: [],
    topFans: [],
    ...overrides,
  };
}

describe('windows', () => {
  it('are UTC calendar days, today included', () => {
    expect(windowOf(NOW, 1).from.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(windowOf(NOW, 7).from.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(windowOf(NOW, 30).firstDay).toBe(TODAY - 29);
    expect(dayLabel(TODAY)).toBe('2026-12-07');
    expect([1, 7, 30, 90, 14].map(isRangeDays)).toEqual([true, true, true, true, false]);
  });

  it('follow the install time zone, DST and quarter-hour offsets included', () => {
    const la = 'America/Los_Angeles';
    // 15:30 UTC is 07:30 in Los Angeles: the same date, starting at 08:00 UTC (PST).
    expect(windowOf(NOW, 1, la).from.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(localDay(new Date('2026-12-07T07:59:00Z'), la)).toBe(TODAY - 1);
    // 8 March 2026 starts in PST, the 9th in PDT.
    const march8 = localDay(new Date('2026-03-08T12:00:00Z'), la);
    expect(localDayStart(march8, la).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(localDayStart(march8 + 1, la).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(windowOf(NOW, 1, 'Asia/Kathmandu').from.toISOString()).toBe('2026-12-06T18:15:00.000Z');
    // An unknown zone counts in UTC rather than failing.
    expect(windowOf(NOW, 1, 'Mars/Olympus').from.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    const toDay = dayMapper(TODAY - 2, TODAY, la);
    expect(toDay(Date.parse('2026-12-07T08:00:00Z'))).toBe(TODAY);
    expect(toDay(Date.parse('2026-12-07T07:45:00Z'))).toBe(TODAY - 1);
  });
});

describe('summarize', () => {
  const revenue = [
    { day: TODAY, currency: 'usd', source: 'checkout', netMinor: 500 },
    { day: TODAY, currency: 'eur', source: 'checkout', netMinor: 700 },
    { day: TODAY - 3, currency: 'usd', source: 'auto_recharge', netMinor: 500 },
    { day: TODAY - 10, currency: 'usd', source: 'checkout', netMinor: 1000 },
    { day: TODAY - 29, currency: 'jpy', source: 'quick_buy', netMinor: 500 },
    { day: TODAY - 60, currency: 'usd', source: 'checkout', netMinor: 9 },
  ];

  it('adds revenue per currency and window, the install currency first', () => {
    const d = summarize({ now: NOW, rangeDays: 90, currency: 'USD' }, rows({ revenue }));
    expect(d.revenue.today).toEqual([
      { currency: 'usd', minor: 500 },
      { currency: 'eur', minor: 700 },
    ]);
    expect(d.revenue.week).toEqual([
      { currency: 'usd', minor: 1000 },
      { currency: 'eur', minor: 700 },
    ]);
    expect(d.revenue.month).toEqual([
      { currency: 'usd', minor: 2000 },
      { currency: 'eur', minor: 700 },
      { currency: 'jpy', minor: 500 },
    ]);
    expect(d.revenue.range[0]).toEqual({ currency: 'usd', minor: 2009 });
  });

  it('gives auto-recharge its share of each currency in the range', () => {
    const d = summarize({ now: NOW, rangeDays: 7, currency: 'usd' }, rows({ revenue }));
    expect(d.autoRecharge).toEqual([
      { currency: 'usd', autoMinor: 500, totalMinor: 1000, share: 0.5 },
      { currency: 'eur', autoMinor: 0, totalMinor: 700, share: 0 },
    ]);
  });

  it('charts 30 days oldest first, zeros included, and names what it leaves out', () => {
    const messages = [
      { day: TODAY, fromFans: 3, answers: 2 },
      { day: TODAY - 40, fromFans: 100, answers: 100 },
    ];
    const d = summarize({ now: NOW, rangeDays: 7, currency: 'usd' }, rows({ revenue, messages }));
    expect(d.chart.days).toHaveLength(30);
    expect(d.chart.days[0]!.day).toBe(TODAY - 29);
    expect(d.chart.days[29]).toEqual({ day: TODAY, revenueMinor: 500, fromFans: 3, answers: 2 });
    expect(d.chart.days.reduce((a, x) => a + x.revenueMinor, 0)).toBe(d.revenue.month[0]!.minor);
    expect(d.chart.otherCurrencies).toEqual(['eur', 'jpy']);
    expect(d.messages).toEqual({ fromFans: 3, answers: 2 });
  });

  it('has no conversion without new fans, and a ratio with them', () => {
    const none = summarize({ now: NOW, rangeDays: 7, currency: 'usd' }, rows());
    expect(none.conversion).toBeNull();
    const some = summarize(
      { now: NOW, rangeDays: 7, currency: 'usd' },
      rows({ fans: { active: 9, new: 4, converted: 1 } }),
    );
    expect(some.conversion).toBe(0.25);
  });
});

describe('the text', () => {
  const t = loadMessageCatalog().forLanguage('en');

  it('keeps fan names literal and styles headings with entities only', () => {
    const fan = {
      fanId: 7,
      firstName: '<b>_*[x](y)',
      lastName: null,
      username: 'ev_il',
      totalSpentMinor: 1234,
    };
    expect(fanName(fan)).toBe('<b>_*[x](y) (@ev_il)');
    expect(fanName({ ...fan, firstName: null, username: null })).toBe('Fan 7');
    const d = summarize({ now: NOW, rangeDays: 7, currency: 'usd' }, rows({ topFans: [fan] }));
    expect(d.timeZone).toBe('UTC');
    const text = dashboardText(t, d);
    expect(text.text).toContain('1. <b>_*[x](y) (@ev_il) — $12.34');
    expect(text.text.startsWith('📊 Dashboard — last 7 days')).toBe(true);
    expect(text.entities[0]).toMatchObject({ type: 'bold', offset: 0 });
  });
});
