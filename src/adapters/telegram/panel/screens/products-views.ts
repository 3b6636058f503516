/**
 * What /products shows: the shop as fans see it (active products in their order), the
 * archived products, one product's card, and the new-product flow's steps. Labels are
 * the admins' text, so they only ever go through TextBuilder (entities, never Markdown).
 */
import { describeAmount, type LocalProduct } from '../../../../core/catalog.js';
import { isStarsSubscription } from '../../../../core/payments/rails.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { STARS_CURRENCY, formatMoney } from '../../../../core/money.js';
import { pageLabel, pageOf } from '../../../../core/panel/paging.js';
import type { CatalogEntry } from '../../../../core/products/admin.js';
import { nextStep, type ProductDraft } from '../../../../core/products/draft.js';
import { backButton, pagerRow } from '../keyboards.js';
import type { PanelButton, ScreenView } from '../types.js';

export type ProductsState =
  | { view: 'shop'; page: number }
  | { view: 'archived'; page: number }
  | { view: 'product'; id: number; from: { view: 'shop' | 'archived'; page: number } }
  | { view: 'new'; draft: ProductDraft; error?: string };

export const PRODUCTS_PAGE_SIZE = 8;

const EDIT = 'products:edit' as const;

/** "$5.00", "¥500": prices as fans read them. */
export function priceOf(product: Pick<LocalProduct, 'priceCents' | 'currency'>): string {
  return formatMoney(product.priceCents, product.currency, 'en');
}

/** "⭐ 250": the Telegram Stars price, when the product has one. */
export function starsOf(product: Pick<LocalProduct, 'stars'>): string | null {
  return product.stars != null ? formatMoney(product.stars, STARS_CURRENCY, 'en') : null;
}

/** The quick-buy command of a credits product in the shop (`/buy<N>`), if it has one. */
export function quickBuyOf(
  product: Pick<LocalProduct, 'type' | 'amount' | 'active'>,
): string | null {
  return product.active && product.type === 'credits' ? `/buy${product.amount}` : null;
}

function short(label: string, max = 40): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function facts(product: CatalogEntry): string {
  const parts = [
    describeAmount(product.type, product.amount),
    priceOf(product),
    ...(starsOf(product) !== null ? [starsOf(product)!] : []),
    `${product.sales} sale${product.sales === 1 ? '' : 's'}`,
  ];
  const quick = quickBuyOf(product);
  if (quick) parts.push(quick);
  return parts.join(' · ');
}

/** The shop (active products, as fans see them) or the archive, a page at a time. */
export function renderList(
  entries: readonly CatalogEntry[],
  state: Extract<ProductsState, { view: 'shop' | 'archived' }>,
  canChange: boolean,
): ScreenView {
  const shop = state.view === 'shop';
  const listed = entries.filter((p) => p.active === shop);
  const archived = entries.length - entries.filter((p) => p.active).length;
  const page = pageOf(listed.length, state.page, PRODUCTS_PAGE_SIZE);
  const text = new TextBuilder().bold(
    shop ? '🛍 Products — the shop as fans see it' : '🗄 Archived products',
  );
  if (page.count > 1) text.plain(` — ${pageLabel(page)}`);
  text.newline();
  if (listed.length === 0) {
    text
      .newline()
      .plain(shop ? 'Nothing is for sale yet. Add a product with ➕.' : 'Nothing archived.');
  }
  const keyboard: PanelButton[][] = [];
  listed.slice(page.offset, page.offset + page.limit).forEach((product, i) => {
    const n = page.offset + i + 1;
    text
      .newline()
      .plain(`${n}. `)
      .bold(product.label)
      .newline()
      .plain(`    ${facts(product)}`);
    keyboard.push([
      {
        text: `${n}. ${short(product.label)} — ${priceOf(product)}`,
        go: {
          state: { view: 'product', id: product.id, from: { view: state.view, page: page.index } },
        },
      },
    ]);
  });
  const pager = pagerRow(page, (index) => ({ ...state, page: index }));
  if (pager.length > 0) keyboard.push(pager);
  if (shop) {
    const row: PanelButton[] = [];
    if (canChange) row.push({ text: '➕ New product', act: 'start', permission: EDIT });
    row.push({ text: `🗄 Archived (${archived})`, go: { state: { view: 'archived', page: 0 } } });
    keyboard.push(row);
    if (!canChange)
      text
        .newline()
        .newline()
        .italic('Stripe is not configured: the catalog cannot be changed here.');
  } else {
    keyboard.push([backButton({ view: 'shop', page: 0 })]);
  }
  return { text: text.build(), keyboard };
}

/** The fingerprint of what a card's buttons act on: in the shop or not, and where. */
function cardStamp(product: LocalProduct, position: number): string {
  return JSON.stringify([
    product.id,
    product.active,
    position,
    product.priceCents,
    product.stars ?? null,
    product.starsSubscription === true,
  ]);
}

/** One product: what fans see, its sales, its place; archive/restore and move buttons. */
export function renderCard(
  entries: readonly CatalogEntry[],
  state: Extract<ProductsState, { view: 'product' }>,
  canChange: boolean,
  /** May set the Stars price (no Stripe needed: Stars-only installs price here too). */
  canPrice = canChange,
): ScreenView {
  const product = entries.find((p) => p.id === state.id);
  if (!product) {
    return {
      text: new TextBuilder().plain('This product no longer exists.').build(),
      keyboard: [[backButton(state.from)]],
      stamp: 'gone',
    };
  }
  const active = entries.filter((p) => p.active);
  const position = active.findIndex((p) => p.id === product.id);
  const text = new TextBuilder()
    .bold(product.label)
    .newline()
    .plain(
      product.active ? `🟢 In the shop, place ${position + 1} of ${active.length}` : '🗄 Archived',
    )
    .newline()
    .newline()
    .bold('Gives: ')
    .plain(
      `${describeAmount(product.type, product.amount)} (${product.type === 'credits' ? 'message credits' : 'pass time'})`,
    )
    .newline()
    .bold('Price: ')
    .plain(priceOf(product))
    .newline()
    .bold('Telegram Stars: ')
    .plain(starsOf(product) ?? 'not sold for Stars')
    .plain(isStarsSubscription(product) ? ' — a Star subscription, renewed every 30 days' : '')
    .newline()
    .bold('Sales: ')
    .plain(String(product.sales));
  const quick = quickBuyOf(product);
  if (quick) text.newline().bold('Quick buy: ').plain(quick);
  if (product.stripeProductId)
    text
      .newline()
      .bold('Stripe: ')
      .plain(`${product.stripeProductId} · ${product.stripePriceId ?? '—'}`);
  const keyboard: PanelButton[][] = [];
  if (product.active) {
    const moves: PanelButton[] = [];
    if (position > 0)
      moves.push({
        text: '⬆️ Move up',
        act: 'move',
        args: { id: product.id, by: -1 },
        permission: EDIT,
      });
    if (position < active.length - 1) {
      moves.push({
        text: '⬇️ Move down',
        act: 'move',
        args: { id: product.id, by: 1 },
        permission: EDIT,
      });
    }
    if (moves.length > 0) keyboard.push(moves);
    if (canChange)
      keyboard.push([
        { text: '📦 Archive', act: 'archive', args: { id: product.id }, permission: EDIT },
      ]);
  } else if (canChange) {
    keyboard.push([
      {
        text: '♻️ Restore to the shop',
        act: 'restore',
        args: { id: product.id },
        permission: EDIT,
      },
    ]);
  }
  if (canPrice) {
    keyboard.push([
      { text: '⭐ Stars price', act: 'stars', args: { id: product.id }, permission: EDIT },
    ]);
    if (product.type === 'time' && product.stars != null) {
      const on = product.starsSubscription === true;
      keyboard.push([
        {
          text: on ? '🔁 Sell once, not as a subscription' : '🔁 Sell as a Star subscription',
          act: 'subscription',
          args: { id: product.id, on: !on },
          permission: EDIT,
        },
      ]);
    }
  }
  keyboard.push([backButton(state.from)]);
  return { text: text.build(), keyboard, stamp: cardStamp(product, position) };
}

const STEPS = ['label', 'type', 'amount', 'price'] as const;

/** The prompt of each typed step. */
export const STEP_PROMPTS = {
  label: {
    text: '🏷 The product’s label, as fans will see it (e.g. 10 credits).',
    placeholder: '10 credits',
  },
  amount: {
    credits: { text: '🔢 How many message credits? A whole number, e.g. 10.', placeholder: '10' },
    time: {
      text: '⏱ How much pass time? e.g. 30m, 1h, 7d (or seconds, e.g. 3600).',
      placeholder: '1h',
    },
  },
  price: { text: '💰 The price in %s, e.g. 5.00.', placeholder: '5.00' },
  stars: {
    text: '⭐ The price in Telegram Stars: a whole number from 1 to 10,000 (0 removes it).',
    placeholder: '250',
  },
} as const;

/** The new-product flow: what is answered, the next step's buttons, Create at the end. */
export function renderDraft(state: Extract<ProductsState, { view: 'new' }>): ScreenView {
  const { draft } = state;
  const step = nextStep(draft);
  const number = step === 'confirm' ? STEPS.length : STEPS.indexOf(step) + 1;
  const text = new TextBuilder()
    .bold('➕ New product')
    .plain(step === 'confirm' ? ' — check and create' : ` — step ${number} of ${STEPS.length}`);
  text.newline().newline().bold('Label: ');
  if (draft.label !== undefined) text.plain(draft.label);
  else text.italic('reply to the prompt');
  if (draft.type !== undefined)
    text
      .newline()
      .bold('Sells: ')
      .plain(draft.type === 'credits' ? 'message credits' : 'pass time');
  if (draft.type !== undefined && draft.amount !== undefined) {
    text.newline().bold('Amount: ').plain(describeAmount(draft.type, draft.amount));
  }
  if (draft.price !== undefined) {
    text
      .newline()
      .bold('Price: ')
      .plain(formatMoney(draft.price, draft.currency, 'en'));
  }
  if (draft.type === 'credits' && draft.amount !== undefined) {
    text.newline().bold('Quick buy: ').plain(`/buy${draft.amount}`);
  }
  if (step === 'confirm') {
    text
      .newline()
      .bold('Telegram Stars: ')
      .plain(draft.stars != null ? `⭐ ${draft.stars}` : 'not sold for Stars (optional)');
  }
  if (state.error) text.newline().newline().plain(`⚠️ ${state.error}`);
  const keyboard: PanelButton[][] = [];
  switch (step) {
    case 'type':
      keyboard.push([
        { text: '💬 Message credits', act: 'type', args: { type: 'credits' }, permission: EDIT },
        { text: '⏱ Pass time', act: 'type', args: { type: 'time' }, permission: EDIT },
      ]);
      break;
    case 'confirm':
      text.newline().newline().plain('Create it on Stripe and put it in the shop?');
      keyboard.push([{ text: '✅ Create', act: 'create', permission: EDIT }]);
      keyboard.push([
        {
          text: '⭐ Stars price (optional)…',
          act: 'ask',
          args: { step: 'stars' },
          permission: EDIT,
        },
      ]);
      break;
    default:
      keyboard.push([
        {
          text: `✏️ ${step[0]!.toUpperCase()}${step.slice(1)}…`,
          act: 'ask',
          args: { step },
          permission: EDIT,
        },
      ]);
  }
  keyboard.push([backButton({ view: 'shop', page: 0 }, undefined, '✖ Cancel')]);
  return { text: text.build(), keyboard };
}
