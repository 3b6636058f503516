/**
 * The /admin dashboard's figures: the use case that asks the stats port (all queries at
 * once) and the pure rules that turn its rows into figures — revenue per window and currency,
 * conversion, auto-recharge share and the chart's 30 days.
 */
import type {
  FanCounts,
  FirstResponses,
  MessageBucketRow,
  OpenDisputeRow,
  RevenueBucketRow,
  StatsStore,
  TopFanRow,
} from './ports.js';
import { CHART_DAYS, dayMapper, localDay, windowOf, type RangeDays } from './ranges.js';
import { starsEstimate, type StarsEstimate } from './stars-estimate.js';

/** An amount in one currency's minor units. */
export interface Money {
  currency: string;
  minor: number;
}

/** Auto-recharge's part of one currency's revenue in the range. */
export interface AutoRechargeShare {
  currency: string;
  autoMinor: number;
  totalMinor: number;
  /** autoMinor / totalMinor, or null without revenue. */
  share: number | null;
}

/** One day of the chart. */
export interface ChartDay {
  day: number;
  /** Net revenue in the chart's currency. */
  revenueMinor: number;
  fromFans: number;
  answers: number;
}

export interface Chart {
  /** The currency the revenue bars are in (the install's). */
  currency: string;
  /** Other currencies with revenue in these days (not charted: minor units do not add up). */
  otherCurrencies: string[];
  days: ChartDay[];
}

export interface Dashboard {
  generatedAt: Date;
  /** The zone whose calendar days the windows and the chart count (`display.time_zone`). */
  timeZone: string;
  rangeDays: RangeDays;
  /** Net revenue per currency (install currency first); `range` is the selected range's. */
  revenue: { today: Money[]; week: Money[]; month: Money[]; range: Money[] };
  payingFans: number;
  fans: FanCounts;
  /** converted / new, or null when no fan is new in the range. */
  conversion: number | null;
  messages: { fromFans: number; answers: number };
  firstResponses: FirstResponses;
  autoRecharge: AutoRechargeShare[];
  openDisputes: { count: number; amounts: Money[] };
  topFans: TopFanRow[];
  /** Currency of the top fans' spend. */
  currency: string;
  chart: Chart;
  /** The range's Stars at `payments.stars_rate`, labelled as an estimate (null: none). */
  starsEstimate?: StarsEstimate | null;
  /** The bot's Telegram Stars balance (null or absent: unknown, the line is left out). */
  starBalance?: number | null;
}

export interface DashboardRequest {
  now: Date;
  rangeDays: RangeDays;
  /** The install's CURRENCY (lower case). */
  currency: string;
  /** `display.time_zone` (default UTC). */
  timeZone?: string;
  /** `payments.stars_rate`: one Star in CURRENCY, for the estimate (empty: none). */
  starsRate?: string;
}

/** Revenue and messages per local day (the store's buckets, mapped to days). */
export interface DayRevenueRow {
  day: number;
  currency: string;
  source: string;
  netMinor: number;
}

export interface DayMessagesRow {
  day: number;
  fromFans: number;
  answers: number;
}

/** How many top fans the dashboard lists. */
export const TOP_FANS = 5;

/** Computes every figure of the dashboard (the queries run concurrently). */
export async function loadDashboard(
  store: StatsStore,
  request: DashboardRequest,
): Promise<Dashboard> {
  const { now, rangeDays } = request;
  const zone = request.timeZone ?? 'UTC';
  const range = windowOf(now, rangeDays, zone);
  const widest = windowOf(now, Math.max(rangeDays, CHART_DAYS), zone);
  const [revenue, messages, fans, firstResponses, disputes, topFans] = await Promise.all([
    store.revenue(widest.from, range.from),
    store.messages(widest.from),
    store.fanCounts(range.from),
    store.firstResponses(range.from),
    store.openDisputes(),
    store.topFans(TOP_FANS),
  ]);
  const toDay = dayMapper(widest.firstDay, localDay(now, zone), zone);
  return summarize(request, {
    revenue: revenueByDay(revenue.buckets, toDay),
    payingFans: revenue.payingFans,
    messages: messagesByDay(messages, toDay),
    fans,
    firstResponses,
    disputes,
    topFans,
  });
}

/** Buckets added up per local day (`toDay` maps a bucket's start to its day). */
export function revenueByDay(
  buckets: readonly RevenueBucketRow[],
  toDay: (at: number) => number,
): DayRevenueRow[] {
  const days = new Map<string, DayRevenueRow>();
  for (const b of buckets) {
    const day = toDay(b.at);
    const key = `${day}|${b.currency}|${b.source}`;
    const row = days.get(key) ?? { day, currency: b.currency, source: b.source, netMinor: 0 };
    row.netMinor += b.netMinor;
    days.set(key, row);
  }
  return [...days.values()];
}

/** Message buckets added up per local day. */
export function messagesByDay(
  buckets: readonly MessageBucketRow[],
  toDay: (at: number) => number,
): DayMessagesRow[] {
  const days = new Map<number, DayMessagesRow>();
  for (const b of buckets) {
    const day = toDay(b.at);
    const row = days.get(day) ?? { day, fromFans: 0, answers: 0 };
    row.fromFans += b.fromFans;
    row.answers += b.answers;
    days.set(day, row);
  }
  return [...days.values()];
}

/** The rows the dashboard is computed from. */
export interface DashboardRows {
  revenue: readonly DayRevenueRow[];
  payingFans: number;
  messages: readonly DayMessagesRow[];
  fans: FanCounts;
  firstResponses: FirstResponses;
  disputes: readonly OpenDisputeRow[];
  topFans: TopFanRow[];
}

/** The pure part: figures from the rows. */
export function summarize(request: DashboardRequest, rows: DashboardRows): Dashboard {
  const { now, rangeDays, currency } = request;
  const currency_ = currency.toLowerCase();
  const timeZone = request.timeZone ?? 'UTC';
  const today = localDay(now, timeZone);
  const since = (days: number) => today - days + 1;
  const revenueSince = (days: number) => sumByCurrency(rows.revenue, since(days), currency_);
  const inRange = rows.messages.filter((m) => m.day >= since(rangeDays));
  return {
    generatedAt: now,
    timeZone,
    rangeDays,
    revenue: {
      today: revenueSince(1),
      week: revenueSince(7),
      month: revenueSince(30),
      range: revenueSince(rangeDays),
    },
    payingFans: rows.payingFans,
    fans: rows.fans,
    conversion: ratio(rows.fans.converted, rows.fans.new),
    messages: {
      fromFans: sum(inRange.map((m) => m.fromFans)),
      answers: sum(inRange.map((m) => m.answers)),
    },
    firstResponses: rows.firstResponses,
    autoRecharge: autoRechargeShares(rows.revenue, since(rangeDays), currency_),
    openDisputes: {
      count: sum(rows.disputes.map((d) => d.count)),
      amounts: ordered(
        rows.disputes.map((d) => ({ currency: d.currency, minor: d.minor })),
        currency_,
      ),
    },
    topFans: rows.topFans,
    currency: currency_,
    chart: chartOf(rows, today, currency_),
    starsEstimate: starsEstimate(revenueSince(rangeDays), request.starsRate, currency_),
  };
}

/** Net revenue per currency of the days from `firstDay` on (currencies with no payment left out). */
export function sumByCurrency(
  rows: readonly DayRevenueRow[],
  firstDay: number,
  installCurrency: string,
): Money[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    if (row.day < firstDay) continue;
    totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.netMinor);
  }
  return ordered(
    [...totals].map(([currency, minor]) => ({ currency, minor })),
    installCurrency,
  );
}

/** Auto-recharge revenue against all revenue, per currency with revenue. */
export function autoRechargeShares(
  rows: readonly DayRevenueRow[],
  firstDay: number,
  installCurrency: string,
): AutoRechargeShare[] {
  const auto = new Map<string, number>();
  for (const row of rows) {
    if (row.day < firstDay || row.source !== 'auto_recharge') continue;
    auto.set(row.currency, (auto.get(row.currency) ?? 0) + row.netMinor);
  }
  return sumByCurrency(rows, firstDay, installCurrency).map((total) => {
    const autoMinor = auto.get(total.currency) ?? 0;
    return {
      currency: total.currency,
      autoMinor,
      totalMinor: total.minor,
      share: total.minor > 0 ? autoMinor / total.minor : null,
    };
  });
}

/** The chart's 30 days, oldest first, every day present (zero when nothing happened). */
function chartOf(
  rows: Pick<DashboardRows, 'revenue' | 'messages'>,
  today: number,
  currency: string,
): Chart {
  const first = today - CHART_DAYS + 1;
  const days: ChartDay[] = [];
  for (let day = first; day <= today; day += 1) {
    days.push({ day, revenueMinor: 0, fromFans: 0, answers: 0 });
  }
  const others = new Set<string>();
  for (const row of rows.revenue) {
    if (row.day < first || row.day > today) continue;
    if (row.currency === currency) days[row.day - first]!.revenueMinor += row.netMinor;
    else if (row.netMinor !== 0) others.add(row.currency);
  }
  for (const row of rows.messages) {
    if (row.day < first || row.day > today) continue;
    days[row.day - first]!.fromFans += row.fromFans;
    days[row.day - first]!.answers += row.answers;
  }
  return { currency, otherCurrencies: [...others].sort(), days };
}

/** The install currency first, then the others alphabetically. */
function ordered(amounts: Money[], installCurrency: string): Money[] {
  return amounts.sort((a, b) =>
    a.currency === b.currency
      ? 0
      : a.currency === installCurrency
        ? -1
        : b.currency === installCurrency
          ? 1
          : a.currency.localeCompare(b.currency),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** part / whole, or null when whole is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Only the chart's 30 days (what the chart image needs: two queries). */
export async function loadChart(
  store: Pick<StatsStore, 'revenue' | 'messages'>,
  request: Omit<DashboardRequest, 'rangeDays'>,
): Promise<Chart> {
  const zone = request.timeZone ?? 'UTC';
  const window = windowOf(request.now, CHART_DAYS, zone);
  const [revenue, messages] = await Promise.all([
    store.revenue(window.from, window.from),
    store.messages(window.from),
  ]);
  const today = localDay(request.now, zone);
  const toDay = dayMapper(window.firstDay, today, zone);
  const rows = {
    revenue: revenueByDay(revenue.buckets, toDay),
    messages: messagesByDay(messages, toDay),
  };
  return chartOf(rows, today, request.currency.toLowerCase());
}
