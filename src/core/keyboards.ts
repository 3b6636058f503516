/**
 * Inline keyboards. Button texts come from the templates (plain text); callback data is
 * short and stable: `fan:start`, `buy:<productId>` (handled by the payments feature), and
 * `card:<action>:<fanId>[:<amount>]` for the fan card's quick actions.
 */
import type { FanAccount, ProductOffer } from './fan-account.js';
import { cardCallback } from './info-card.js';
import { STARS_CURRENCY, formatMoney } from './money.js';
import type { Translate } from './templates.js';

export interface InlineButton {
  text: string;
  callback_data: string;
}

export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/** Callback data of the welcome message's ▶️ Start button. */
export const START_CALLBACK = 'fan:start';

/** Callback data of a product's buy button (the payments feature answers it). */
export function buyCallback(productId: number): string {
  return `buy:${productId}`;
}

/** The welcome message's single button. */
export function startKeyboard(t: Translate): InlineKeyboard {
  return { inline_keyboard: [[{ text: t('start_button'), callback_data: START_CALLBACK }]] };
}

/** Callback data of a product's Telegram Stars button (the payments feature answers it). */
export function starsCallback(productId: number): string {
  return `stars:${productId}`;
}

/**
 * One row per product (`limit` keeps quick-buy rows short): "10 credits — $5.00" and, when
 * it is sold for Stars, "⭐ 250" next to it — or "10 credits — ⭐ 250" alone when it is
 * sold for Stars only.
 */
export function productKeyboard(
  products: readonly ProductOffer[],
  t: Translate,
  limit = products.length,
): InlineKeyboard | undefined {
  if (products.length === 0) return undefined;
  return { inline_keyboard: products.slice(0, limit).map((p) => productRow(p, t)) };
}

function productRow(p: ProductOffer, t: Translate): InlineButton[] {
  const item = (price: string) => t('products.item', { label: p.label, price }).slice(0, 64);
  const row: InlineButton[] = [];
  const stars = p.stars === undefined ? null : formatMoney(p.stars, STARS_CURRENCY, t.locale);
  if (p.money !== false) {
    const price = formatMoney(p.priceCents, p.currency, t.locale);
    row.push({ text: item(price), callback_data: buyCallback(p.id) });
  }
  if (stars !== null) {
    const text = row.length > 0 ? t('payment.stars.button', { price: stars }) : item(stars);
    row.push({ text, callback_data: starsCallback(p.id) });
  }
  return row;
}

/** The fan card's quick actions. */
export function cardKeyboard(
  account: Pick<FanAccount, 'fanId' | 'banned' | 'frozen'>,
  t: Translate,
): InlineKeyboard {
  const fanId = account.fanId;
  // Frozen by a dispute: owners may lift it (card-actions checks the role).
  const unfreeze = account.frozen
    ? [
        [
          {
            text: t('card.button_unfreeze'),
            callback_data: cardCallback({ action: 'unfreeze', fanId }),
          },
        ],
      ]
    : [];
  return {
    inline_keyboard: [
      [
        { text: t('card.button_info'), callback_data: cardCallback({ action: 'info', fanId }) },
        {
          text: t('card.button_gift'),
          callback_data: cardCallback({ action: 'gift_menu', fanId }),
        },
      ],
      [
        account.banned
          ? {
              text: t('card.button_unban'),
              callback_data: cardCallback({ action: 'unban', fanId }),
            }
          : { text: t('card.button_ban'), callback_data: cardCallback({ action: 'ban', fanId }) },
      ],
      ...unfreeze,
    ],
  };
}

/** The gift presets that replace the card's keyboard after 🎁. */
export function giftKeyboard(
  fanId: number,
  presets: readonly number[],
  t: Translate,
  /** The callback query that opened this menu: its buttons share one gift key. */
  menu: string,
): InlineKeyboard {
  return {
    inline_keyboard: [
      presets.map((amount) => ({
        text: t('card.gift_amount', { amount }),
        callback_data: cardCallback({ action: 'gift', fanId, amount, menu }),
      })),
      [{ text: t('card.button_back'), callback_data: cardCallback({ action: 'back', fanId }) }],
    ],
  };
}
