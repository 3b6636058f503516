/**
 * SVG → PNG with @resvg/resvg-js (a Rust renderer whose prebuilt binary comes as an npm
 * optional dependency; nothing is downloaded at run time). Text uses the bundled Inter font
 * (SIL Open Font License, from @expo-google-fonts/inter), never the system's fonts, so the
 * chart looks the same on a bare server or in a container.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { Chart } from '../../../core/stats/dashboard.js';
import { CHART_FONT, chartSvg, type ChartLabels } from './svg.js';

const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
];

/** Renders an SVG document to PNG bytes. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: CHART_FONT },
  });
  return resvg.render().asPng();
}

/** The dashboard chart as a PNG. */
export function renderChart(chart: Chart, labels: ChartLabels): Uint8Array {
  return svgToPng(chartSvg(chart, labels));
}
