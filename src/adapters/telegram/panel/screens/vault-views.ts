/**
 * What /vault shows: the vault a page at a time (each item's files, prices, sales and
 * revenue), the archive, and one item's card with its edits. Titles are the team's text,
 * so they only ever go through TextBuilder (entities, never Markdown).
 */
import type { ContentItemWithFigures, ContentItem } from '../../../../core/content/items.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { STARS_CURRENCY, formatMoney } from '../../../../core/money.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import { backButton, pagerRow } from '../keyboards.js';
import type { PanelButton, ScreenView } from '../types.js';

export type VaultState =
  | { view: 'list'; page: number; archived?: boolean }
  | { view: 'item'; id: number; from: { page: number; archived?: boolean } };

export const VAULT_PAGE_SIZE = 6;

const EDIT = 'vault:edit' as const;

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** "30 credits · $5.00 · ⭐ 50". */
export function pricesOf(item: ContentItem): string {
  const parts = [plural(item.priceCredits, 'credit')];
  if (item.priceCents !== null && item.currency)
    parts.push(formatMoney(item.priceCents, item.currency, 'en'));
  if (item.priceStars !== null) parts.push(formatMoney(item.priceStars, STARS_CURRENCY, 'en'));
  return parts.join(' · ');
}

/** "4 sales — 90 credits + $10.00 + ⭐ 50 (refunded $5.00)". */
export function figuresOf(item: ContentItemWithFigures, currency: string): string {
  const f = item.figures;
  const revenue = [plural(f.credits, 'credit')];
  if (f.moneyCents !== 0 || f.refundedCents !== 0)
    revenue.push(formatMoney(f.moneyCents, item.currency ?? currency, 'en'));
  if (f.stars > 0) revenue.push(formatMoney(f.stars, STARS_CURRENCY, 'en'));
  const refunded =
    f.refundedCents > 0
      ? ` (refunded ${formatMoney(f.refundedCents, item.currency ?? currency, 'en')})`
      : '';
  return `${plural(f.sales, 'sale')} — ${revenue.join(' + ')}${refunded}`;
}

function teaserOf(item: ContentItem): string {
  if (item.teaserFileId) return 'a preview photo (/teaser)';
  return item.teaser === 'spoiler' ? 'the media blurred' : 'title and price only';
}

function short(title: string, max = 32): string {
  return title.length > max ? `${title.slice(0, max - 1)}…` : title;
}

/** The vault (or the archive), a page at a time. */
export function renderVaultList(
  items: readonly ContentItemWithFigures[],
  total: number,
  state: Extract<VaultState, { view: 'list' }>,
  currency: string,
): ScreenView {
  const page = pageOf(total, state.page, VAULT_PAGE_SIZE);
  const text = new TextBuilder().bold(state.archived ? '🗄 Archived vault items' : '🔒 Vault');
  text.plain(` — ${plural(total, 'item')}`);
  if (page.count > 1) text.plain(`, ${pageLabel(page)}`);
  text.newline();
  if (total === 0) {
    text
      .newline()
      .plain(
        state.archived
          ? 'Nothing archived.'
          : 'Empty. Reply /lock PRICE [title] to a photo, video, document, audio, voice note or album in this group.',
      );
  }
  const keyboard: PanelButton[][] = [];
  for (const item of items) {
    text.newline().bold(`#${item.id} `).plain(short(item.title, 60)).newline();
    text.plain(`${plural(item.files.length, 'file')} · ${pricesOf(item)}`).newline();
    text.plain(figuresOf(item, currency)).newline();
    keyboard.push([
      {
        text: `#${item.id} ${short(item.title)}`,
        go: {
          state: {
            view: 'item',
            id: item.id,
            from: { page: page.index, archived: state.archived },
          },
        },
      },
    ]);
  }
  const pager = pagerRow(page, (index) => ({
    view: 'list',
    page: index,
    archived: state.archived,
  }));
  if (pager.length > 0) keyboard.push(pager);
  keyboard.push([
    state.archived
      ? { text: '🔒 Vault', go: { state: { view: 'list', page: 0 } } }
      : { text: '🗄 Archived', go: { state: { view: 'list', page: 0, archived: true } } },
  ]);
  return { text: text.build(), keyboard };
}

/** One item's card: what it holds, its prices and figures, and its edits. */
export function renderVaultItem(
  item: ContentItemWithFigures | null,
  state: Extract<VaultState, { view: 'item' }>,
  currency: string,
  editable: boolean,
): ScreenView {
  const back = backButton({ view: 'list', page: state.from.page, archived: state.from.archived });
  if (!item) {
    return {
      text: new TextBuilder().plain(`There is no vault item #${state.id}.`).build(),
      keyboard: [[back]],
    };
  }
  const kinds = [...new Set(item.files.map((f) => f.kind))].join(', ');
  const text = new TextBuilder()
    .bold(`#${item.id} `)
    .plain(item.title)
    .plain(item.active ? '' : ' (archived)')
    .newline()
    .plain(`${plural(item.files.length, 'file')} (${kinds})`)
    .newline()
    .plain(`Price: ${pricesOf(item)}`)
    .newline()
    .plain(`Sales: ${figuresOf(item, currency)}`)
    .newline()
    .plain(`Teaser: ${teaserOf(item)}`)
    .plain(` · Delivery: ${item.protect ? 'protected (no forwarding or saving)' : 'not protected'}`)
    .newline()
    .newline()
    .plain(`Offer it in a fan's topic with /ppv #${item.id}.`);
  const keyboard: PanelButton[][] = [];
  if (editable) {
    const args = { id: item.id };
    keyboard.push([
      { text: '✏️ Title', act: 'title', args, permission: EDIT },
      { text: '💲 Price', act: 'price', args, permission: EDIT },
    ]);
    keyboard.push([
      {
        text: item.teaser === 'spoiler' ? '🙈 Teaser: text only' : '🌫 Teaser: blurred',
        act: 'teaser',
        args,
        permission: EDIT,
      },
      { text: item.protect ? '🔓 Unprotect' : '🛡 Protect', act: 'protect', args, permission: EDIT },
    ]);
    keyboard.push([
      item.active
        ? { text: '📦 Archive', act: 'archive', args, permission: EDIT }
        : { text: '♻️ Restore', act: 'restore', args, permission: EDIT },
    ]);
  }
  keyboard.push([back]);
  return {
    text: text.build(),
    keyboard,
    stamp: JSON.stringify([item.title, pricesOf(item), item.active, item.teaser, item.protect]),
  };
}
