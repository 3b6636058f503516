/** Keyboard pieces every screen shares: the pager row and a back button. */
import type { Page } from '../../../core/panel/paging.js';
import type { PanelButton } from './types.js';

/** ◀️ 2/5 ▶️ — `stateOf(index)` is the state showing page `index`; empty for one page. */
export function pagerRow(page: Page, stateOf: (index: number) => unknown): PanelButton[] {
  if (page.count <= 1) return [];
  const row: PanelButton[] = [];
  if (page.hasPrevious) row.push({ text: '◀️', go: { state: stateOf(page.index - 1) } });
  row.push({ text: `${page.index + 1}/${page.count}`, go: { state: stateOf(page.index) } });
  if (page.hasNext) row.push({ text: '▶️', go: { state: stateOf(page.index + 1) } });
  return row;
}

/** A button back to `screen` (this one when omitted) with `state`. */
export function backButton(state: unknown, screen?: string, text = '⬅️ Back'): PanelButton {
  return { text, go: { ...(screen ? { screen } : {}), state } };
}
