/**
 * The dashboard as the team reads it: texts from the `dashboard.*` templates in the admin
 * language, headings in bold through entities, fan names inserted as plain text.
 */
import { TextBuilder, type FormattedText } from '../formatted-text.js';
import { formatDuration } from '../info-card.js';
import { formatMoney } from '../money.js';
import type { Translate } from '../templates.js';
import { formatDateTime } from '../time-format.js';
import type { Dashboard, Money } from './dashboard.js';
import type { TopFanRow } from './ports.js';

/** "today" or "last 7 days". */
export function rangeLabel(t: Translate, days: number): string {
  return days === 1 ? t('dashboard.range_today') : t('dashboard.range_days', { days });
}

/** "$12.00 · €5.00", or "—" with no amount. */
export function moneyList(t: Translate, amounts: readonly Money[]): string {
  if (amounts.length === 0) return t('dashboard.none');
  return amounts.map((m) => formatMoney(m.minor, m.currency, t.locale)).join(' · ');
}

/** "12.5 %" in the admin language. */
export function percent(t: Translate, value: number): string {
  return new Intl.NumberFormat(t.locale ?? 'en', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(value);
}

/** "Ada Lovelace (@ada)" or "Fan 42": plain text, never markup. */
export function fanName(fan: TopFanRow): string {
  const name = [fan.firstName, fan.lastName].filter(Boolean).join(' ').trim();
  const base = name || `Fan ${fan.fanId}`;
  return fan.username ? `${base} (@${fan.username})` : base;
}

/** The dashboard message. */
export function dashboardText(t: Translate, d: Dashboard): FormattedText {
  const b = new TextBuilder();
  const range = rangeLabel(t, d.rangeDays);
  b.bold(t('dashboard.title', { range })).newline();
  const time = formatDateTime(d.generatedAt, { locale: t.locale, timeZone: d.timeZone });
  b.italic(t('dashboard.updated', { time, zone: d.timeZone })).newline();
  revenueSection(b, t, d);
  fansSection(b, t, d, range);
  teamSection(b, t, d, range);
  topFansSection(b, t, d);
  return b.build();
}

function revenueSection(b: TextBuilder, t: Translate, d: Dashboard): void {
  b.newline().bold(t('dashboard.revenue')).newline();
  b.plain(t('dashboard.revenue_today', { amount: moneyList(t, d.revenue.today) })).newline();
  b.plain(t('dashboard.revenue_days', { days: 7, amount: moneyList(t, d.revenue.week) }));
  b.newline();
  b.plain(t('dashboard.revenue_days', { days: 30, amount: moneyList(t, d.revenue.month) }));
  b.newline();
  if (d.rangeDays > 30) {
    const amount = moneyList(t, d.revenue.range);
    b.plain(t('dashboard.revenue_days', { days: d.rangeDays, amount })).newline();
  }
  const estimate = d.starsEstimate;
  if (estimate) {
    b.plain(
      t('dashboard.stars_estimate', {
        range: rangeLabel(t, d.rangeDays),
        stars: formatMoney(estimate.stars, 'xtr', t.locale),
        amount: formatMoney(estimate.minor, estimate.currency, t.locale),
        rate: estimate.rate,
        currency: estimate.currency.toUpperCase(),
      }),
    );
    b.newline();
  }
  const balance = d.starBalance ?? null;
  const hasStars = d.revenue.month.some((m) => m.currency === 'xtr');
  if (balance !== null && (balance > 0 || hasStars)) {
    b.plain(t('dashboard.stars_balance', { stars: formatMoney(balance, 'xtr', t.locale) }));
    b.newline();
  }
  const shares = d.autoRecharge.filter((s) => s.share !== null);
  if (shares.length > 0) {
    const list = shares
      .map((s) =>
        t('dashboard.auto_recharge_item', {
          percent: percent(t, s.share!),
          amount: formatMoney(s.autoMinor, s.currency, t.locale),
        }),
      )
      .join(' · ');
    b.plain(t('dashboard.auto_recharge', { range: rangeLabel(t, d.rangeDays), shares: list }));
    b.newline();
  }
  const disputes = d.openDisputes;
  b.plain(
    disputes.count === 0
      ? t('dashboard.disputes_none')
      : t('dashboard.disputes', { count: disputes.count, amount: moneyList(t, disputes.amounts) }),
  );
  b.newline();
}

function fansSection(b: TextBuilder, t: Translate, d: Dashboard, range: string): void {
  b.newline().bold(t('dashboard.fans', { range })).newline();
  b.plain(t('dashboard.paying', { count: d.payingFans })).newline();
  b.plain(t('dashboard.active', { count: d.fans.active })).newline();
  b.plain(t('dashboard.new', { count: d.fans.new })).newline();
  b.plain(
    d.conversion === null
      ? t('dashboard.conversion_none')
      : t('dashboard.conversion', {
          paid: d.fans.converted,
          started: d.fans.new,
          percent: percent(t, d.conversion),
        }),
  );
  b.newline();
}

function teamSection(b: TextBuilder, t: Translate, d: Dashboard, range: string): void {
  b.newline().bold(t('dashboard.messages_heading', { range })).newline();
  const { fromFans, answers } = d.messages;
  b.plain(t('dashboard.messages', { from_fans: fromFans, answers })).newline();
  const fr = d.firstResponses;
  b.plain(
    fr.medianMs === null
      ? t('dashboard.first_response_none')
      : t('dashboard.first_response', {
          time: formatDuration(fr.medianMs / 1000),
          count: fr.answered,
        }),
  );
  b.newline();
}

function topFansSection(b: TextBuilder, t: Translate, d: Dashboard): void {
  b.newline()
    .bold(t('dashboard.top_fans', { currency: d.currency.toUpperCase() }))
    .newline();
  if (d.topFans.length === 0) {
    b.plain(t('dashboard.top_none'));
    return;
  }
  d.topFans.forEach((fan, i) => {
    if (i > 0) b.newline();
    const amount = formatMoney(fan.totalSpentMinor, d.currency, t.locale);
    b.plain(t('dashboard.top_fan', { rank: i + 1, name: fanName(fan), amount }));
  });
}
