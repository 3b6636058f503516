/**
 * The dashboard chart as SVG: 30 days of net revenue (bars, left axis, in the install's
 * currency) and messages (lines: from fans and answers, right axis). Pure string building;
 * render.ts turns it into a PNG.
 */
import type { Chart } from '../../../core/stats/dashboard.js';
import { dayLabel } from '../../../core/stats/ranges.js';

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;
/** The family of the bundled font (render.ts loads it). */
export const CHART_FONT = 'Inter';

const PLOT = { left: 110, right: 1110, top: 90, bottom: 520 };
const COLORS = {
  revenue: '#4f7df3',
  fans: '#f08c2e',
  answers: '#2ea86b',
  grid: '#e4e7ec',
  text: '#1f2933',
  muted: '#6b7785',
};

/** Texts drawn on the chart (already formatted in the admin language). */
export interface ChartLabels {
  title: string;
  revenue: string;
  fromFans: string;
  answers: string;
  /** Formats a revenue axis value (minor units of the chart's currency). */
  money(minor: number): string;
}

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A round axis maximum at or above `max` (1, 2, 2.5 or 5 times a power of ten), at least 1. */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= max) return Math.ceil(step * power);
  }
  return 10 * power;
}

/** An axis maximum with four whole-number steps. */
function axisMax(max: number): number {
  return Math.ceil(niceMax(max) / 4) * 4;
}

function text(x: number, y: number, value: string, attrs = ''): string {
  return `<text x="${x}" y="${y}" ${attrs}>${escapeXml(value)}</text>`;
}

/** The chart's SVG document. */
export function chartSvg(chart: Chart, labels: ChartLabels): string {
  const days = chart.days;
  const width = PLOT.right - PLOT.left;
  const height = PLOT.bottom - PLOT.top;
  const slot = width / Math.max(1, days.length);
  const revenueMax = axisMax(Math.max(0, ...days.map((d) => d.revenueMinor)));
  const messagesMax = axisMax(Math.max(0, ...days.map((d) => Math.max(d.fromFans, d.answers))));
  const yRevenue = (v: number) => PLOT.bottom - (Math.max(0, v) / revenueMax) * height;
  const yMessages = (v: number) => PLOT.bottom - (v / messagesMax) * height;
  const parts: string[] = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    text(
      PLOT.left,
      40,
      labels.title,
      // Long titles (a long zone name, other currencies) get a smaller size to stay inside.
      `font-size="${labels.title.length > 70 ? 20 : 24}" font-weight="600" fill="${COLORS.text}"`,
    ),
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = PLOT.bottom - (i / 4) * height;
    parts.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="${COLORS.grid}"/>`,
      text(PLOT.left - 10, y + 5, labels.money((revenueMax * i) / 4), axisAttrs('end')),
      text(PLOT.right + 10, y + 5, formatCount((messagesMax * i) / 4), axisAttrs('start')),
    );
  }
  days.forEach((d, i) => {
    const x = PLOT.left + i * slot;
    const top = yRevenue(d.revenueMinor);
    if (d.revenueMinor > 0) {
      parts.push(
        `<rect x="${(x + slot * 0.15).toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(PLOT.bottom - top).toFixed(1)}" fill="${COLORS.revenue}"/>`,
      );
    }
    if (i % 5 === days.length % 5 || i === days.length - 1) {
      const label = dayLabel(d.day).slice(5);
      parts.push(text(x + slot / 2, PLOT.bottom + 24, label, axisAttrs('middle')));
    }
  });
  const line = (values: number[], color: string) => {
    const points = values
      .map((v, i) => `${(PLOT.left + (i + 0.5) * slot).toFixed(1)},${yMessages(v).toFixed(1)}`)
      .join(' ');
    return `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="3" stroke-linejoin="round"/>`;
  };
  parts.push(
    line(
      days.map((d) => d.fromFans),
      COLORS.fans,
    ),
  );
  parts.push(
    line(
      days.map((d) => d.answers),
      COLORS.answers,
    ),
  );
  parts.push(legend(labels));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}"`,
    ` viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${CHART_FONT}">`,
    ...parts,
    '</svg>',
  ].join('');
}

function axisAttrs(anchor: 'start' | 'middle' | 'end'): string {
  return `font-size="15" text-anchor="${anchor}" fill="${COLORS.muted}"`;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function legend(labels: ChartLabels): string {
  const y = CHART_HEIGHT - 30;
  const items: Array<[string, string, boolean]> = [
    [labels.revenue, COLORS.revenue, true],
    [labels.fromFans, COLORS.fans, false],
    [labels.answers, COLORS.answers, false],
  ];
  let x = PLOT.left;
  return items
    .map(([label, color, bar]) => {
      const mark = bar
        ? `<rect x="${x}" y="${y - 12}" width="18" height="14" fill="${color}"/>`
        : `<line x1="${x}" y1="${y - 5}" x2="${x + 18}" y2="${y - 5}" stroke="${color}" stroke-width="3"/>`;
      const item = mark + text(x + 26, y, label, `font-size="16" fill="${COLORS.text}"`);
      x += 60 + label.length * 9;
      return item;
    })
    .join('');
}
