/**
 * Vault items: locked media sold per item. An item keeps Telegram `file_id`s (an album has
 * several) and never downloads the media. Prices: credits (required), money in the install's
 * currency and Telegram Stars (both optional).
 */
import { parseMoney } from '../money.js';

/** Media a vault item can hold (Telegram's message fields of the same names). */
export const CONTENT_KINDS = ['photo', 'video', 'animation', 'document', 'audio', 'voice'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** One file of an item. */
export interface ContentFile {
  kind: ContentKind;
  fileId: string;
}

/** How the teaser shows a locked item: the media blurred, or its title and price only. */
export type TeaserMode = 'spoiler' | 'caption';

export interface ContentItem {
  id: number;
  title: string;
  priceCredits: number;
  /** Money price in `currency`'s minor units (null: credits only). */
  priceCents: number | null;
  currency: string | null;
  /** Telegram Stars price (null: no Stars rail for it). */
  priceStars: number | null;
  files: ContentFile[];
  active: boolean;
  /** Deliveries are sent with `protect_content` (no forwarding or saving). */
  protect: boolean;
  teaser: TeaserMode;
  /** A photo the team chose to show on the teaser instead of the item's media. */
  teaserFileId: string | null;
  createdBy: number | null;
  createdAt: Date;
}

/** What `/lock` (or `/ppv PRICE`) stores. */
export interface NewContentItem {
  title: string;
  priceCredits: number;
  priceCents: number | null;
  currency: string | null;
  priceStars: number | null;
  files: ContentFile[];
  createdBy: number | null;
}

/** An item's sales: how many unlocked it and what they paid, per rail. */
export interface ContentFigures {
  sales: number;
  credits: number;
  /** Money paid minus refunded, in the item's currency's minor units. */
  moneyCents: number;
  /** Money refunded or lost in disputes (recorded; nothing delivered is revoked). */
  refundedCents: number;
  stars: number;
}

export interface ContentItemWithFigures extends ContentItem {
  figures: ContentFigures;
}

/** Caps past which a price is a typo, not a price. */
export const PRICE_LIMITS = {
  credits: 100_000,
  /** In major units of the currency (10,000.00). */
  money: 10_000,
  /** sendPaidMedia accepts 1–25,000 Stars. */
  stars: 25_000,
} as const;

/** The price part of `/lock` and of the vault's price edit. */
export interface ParsedPrice {
  credits: number;
  cents: number | null;
  stars: number | null;
}

export type LockParse =
  | { ok: true; price: ParsedPrice; title: string | null }
  | { ok: false; problem: LockProblem; detail?: string };

/** Why `/lock` arguments were refused (each a template `content.lock.<problem>`). */
export type LockProblem =
  'usage' | 'price_invalid' | 'price_too_high' | 'money_invalid' | 'stars_invalid';

/**
 * `30 [title…] [--usd 5] [--stars 50]`: a credits price first, then an optional title, then
 * an optional money price (the flag names the install's currency, `--money` works too) and
 * Stars price.
 */
export function parseLockArgs(args: string, currency: string): LockParse {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const first = words.shift();
  if (first === undefined) return { ok: false, problem: 'usage' };
  if (!/^-?\d+$/.test(first)) return { ok: false, problem: 'price_invalid', detail: first };
  const credits = Number(first);
  if (!Number.isSafeInteger(credits) || credits < 1)
    return { ok: false, problem: 'price_invalid', detail: first };
  if (credits > PRICE_LIMITS.credits)
    return { ok: false, problem: 'price_too_high', detail: first };
  const title: string[] = [];
  let cents: number | null = null;
  let stars: number | null = null;
  const moneyFlags = new Set([`--${currency.toLowerCase()}`, '--money']);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = word.toLowerCase();
    if (moneyFlags.has(flag)) {
      const parsed = parseMoney(words[++i] ?? '', currency);
      if (!parsed.ok || parsed.minor < 1 || parsed.minor > moneyCap(currency))
        return { ok: false, problem: 'money_invalid', detail: words[i] ?? '' };
      cents = parsed.minor;
    } else if (flag === '--stars') {
      const value = words[++i] ?? '';
      const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1 && n <= PRICE_LIMITS.stars))
        return { ok: false, problem: 'stars_invalid', detail: value };
      stars = n;
    } else if (word.startsWith('--')) {
      return { ok: false, problem: 'usage', detail: word };
    } else {
      title.push(word);
    }
  }
  const text = title.join(' ').slice(0, 200);
  return { ok: true, price: { credits, cents, stars }, title: text === '' ? null : text };
}

/** PRICE_LIMITS.money in the currency's minor units. */
function moneyCap(currency: string): number {
  const parsed = parseMoney(String(PRICE_LIMITS.money), currency);
  return parsed.ok ? parsed.minor : Number.MAX_SAFE_INTEGER;
}

/** Paid media (Stars) carries photos and videos only. */
export function fitsPaidMedia(item: Pick<ContentItem, 'files' | 'priceStars'>): boolean {
  return (
    item.priceStars !== null &&
    item.files.length >= 1 &&
    item.files.length <= 10 &&
    item.files.every((f) => f.kind === 'photo' || f.kind === 'video')
  );
}

/** A media group can carry photos and videos together, or documents, or audio; not the rest. */
export function albumGroupable(files: readonly ContentFile[]): boolean {
  const kinds = new Set(files.map((f) => f.kind));
  if ([...kinds].every((k) => k === 'photo' || k === 'video')) return true;
  return kinds.size === 1 && (kinds.has('document') || kinds.has('audio'));
}
