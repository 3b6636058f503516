/**
 * The team's texts of a drop: the progress line (`Sent 340/1200 [███░░░░░░░] 28%`), the
 * progress message and the summary. Templates `drops.*` (templates/messages/<locale>.drops.yaml);
 * the item's title is the team's own text, appended as plain text.
 */
import { progressBar } from '../balance.js';
import { TextBuilder, type FormattedText } from '../formatted-text.js';
import { formatMoney, STARS_CURRENCY } from '../money.js';
import type { Translate } from '../templates.js';
import type { Drop, DropCounts, DropItem, DropResults } from './ports.js';
import type { DropSegment } from './segment.js';

/** Fans whose teaser is settled one way or another (the bar's progress). */
export function doneCount(counts: DropCounts): number {
  return counts.sent + counts.blocked + counts.failed + counts.cancelled;
}

/** `Sent 340/1200 [███░░░░░░░] 28%`: sent out of the audience, the bar counts every settled fan. */
export function progressLine(t: Translate, counts: DropCounts): string {
  const percent = counts.total > 0 ? Math.floor((doneCount(counts) * 100) / counts.total) : 100;
  return t('drops.progress', {
    sent: counts.sent,
    total: counts.total,
    bar: progressBar(percent),
    percent,
  });
}

/** "All fans", "Tier: VIP", "Spent at least $50.00"… */
export function segmentLabel(
  t: Translate,
  segment: DropSegment,
  money: (cents: number) => string,
): string {
  switch (segment.kind) {
    case 'all':
      return t('drops.segment.all');
    case 'tier':
      return t('drops.segment.tier', { tier: t(`tier.${segment.tier}`) });
    case 'spent':
      return t('drops.segment.spent', { amount: money(segment.minCents) });
    case 'active':
      return t('drops.segment.active', { days: segment.days });
    case 'not_bought':
      return t('drops.segment.not_bought');
  }
}

export interface DropTextContext {
  t: Translate;
  drop: Drop;
  item: DropItem | null;
  segment: string;
}

function heading(c: DropTextContext, key: string): TextBuilder {
  return new TextBuilder()
    .bold(c.t(key, { id: c.drop.id }))
    .plain(' · ')
    .plain(c.item?.title ?? `#${c.drop.itemId}`)
    .plain(` → ${c.segment}`)
    .newline();
}

function countsLine(t: Translate, counts: DropCounts): string {
  return t('drops.counts', {
    blocked: counts.blocked,
    failed: counts.failed,
    left: counts.pending + counts.queued,
  });
}

/** The progress message while the drop runs. */
export function progressText(c: DropTextContext, counts: DropCounts): FormattedText {
  return heading(c, 'drops.title')
    .plain(progressLine(c.t, counts))
    .newline()
    .plain(countsLine(c.t, counts))
    .build();
}

/** "1260 credits + $25.00 + ⭐ 50": what the unlocks brought, each rail in its own unit. */
export function revenueText(t: Translate, results: DropResults): string {
  const parts = [t('drops.revenue_credits', { credits: results.revenueCredits })];
  if (results.moneyCents !== 0 && results.currency)
    parts.push(formatMoney(results.moneyCents, results.currency, t.locale));
  if (results.stars > 0) parts.push(formatMoney(results.stars, STARS_CURRENCY, t.locale));
  return parts.join(' + ');
}

/** The last state of the progress message, and the summary posted after it. */
export function summaryText(
  c: DropTextContext,
  counts: DropCounts,
  results: DropResults,
): FormattedText {
  const cancelled = c.drop.status === 'cancelled';
  return heading(c, cancelled ? 'drops.summary.cancelled' : 'drops.summary.done')
    .plain(progressLine(c.t, counts))
    .newline()
    .plain(
      c.t('drops.summary.figures', {
        sent: counts.sent,
        blocked: counts.blocked,
        failed: counts.failed,
        cancelled: counts.cancelled,
      }),
    )
    .newline()
    .plain(
      c.t('drops.summary.results', {
        unlocked: results.unlocked,
        revenue: revenueText(c.t, results),
      }),
    )
    .build();
}
