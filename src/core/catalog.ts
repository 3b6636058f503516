/**
 * The product catalog: the file operators edit (DESIGN §4), what Stripe holds, what the
 * local `products` table holds, and the pure diffs between them that `products sync` applies.
 * No I/O here: the CLI reads the YAML and talks to Stripe and the database.
 */
import { z } from 'zod';
import { isSupportedCurrency, parseMoney, unsupportedCurrencyProblem } from './money.js';
import { STARS_MAX, STARS_MIN, isStarsPrice } from './payments/rails.js';
import type { Translate } from './templates.js';

/** Kinds of product: message credits, or pass time in seconds. */
export type ProductType = 'credits' | 'time';

/** Stripe product metadata that marks a premiumbot product. */
export const CATALOG_METADATA = {
  type: 'premiumbot_type',
  amount: 'premiumbot_amount',
  /** The product's Telegram Stars price (whole Stars, 1–10,000); absent: not sold for Stars. */
  stars: 'premiumbot_stars',
  /** "true": a pass sold for Stars as a Star subscription (renewed every 30 days). */
  starsSubscription: 'premiumbot_stars_subscription',
} as const;

/** One wanted product, as the catalog file declares it, with the price in minor units. */
export interface CatalogItem {
  label: string;
  type: ProductType;
  amount: number;
  priceCents: number;
  currency: string;
  /** Price in Telegram Stars (`stars:` in the file); null or absent: not sold for Stars. */
  stars?: number | null;
  /** `stars_subscription: true`: a pass sold for Stars as a Star subscription. */
  starsSubscription?: boolean;
}

/** One active Stripe price of a premiumbot product. */
export interface RemotePrice {
  productId: string;
  priceId: string;
  label: string;
  type: ProductType;
  amount: number;
  priceCents: number;
  currency: string;
  /** The product's `premiumbot_stars` metadata; null (or absent) when it has none. */
  stars?: number | null;
  /** The product's `premiumbot_stars_subscription` metadata is "true". */
  starsSubscription?: boolean;
}

/** A premiumbot product on Stripe with its active prices. */
export interface RemoteProduct {
  productId: string;
  label: string;
  type: ProductType;
  amount: number;
  active: boolean;
  /** `premiumbot_stars` metadata; null (or absent) when it has none. */
  stars?: number | null;
  /** `premiumbot_stars_subscription` metadata is "true". */
  starsSubscription?: boolean;
  prices: { priceId: string; priceCents: number; currency: string }[];
}

/** A row of the local `products` table, as sync compares it. */
export interface LocalProduct {
  id: number;
  label: string;
  type: ProductType;
  amount: number;
  priceCents: number;
  currency: string;
  stripeProductId: string | null;
  stripePriceId: string | null;
  active: boolean;
  sort: number;
  /** Price in Telegram Stars; null (or absent in older callers) when not sold for Stars. */
  stars?: number | null;
  /** A time product sold for Stars as a Star subscription (renewed every 30 days). */
  starsSubscription?: boolean;
}

/**
 * Parses a decimal price string ("5.00", "500" JPY, "5.000" KWD) into the currency's minor
 * units, or undefined when it is not a positive amount the currency can hold.
 */
export function parsePrice(value: string, currency: string): number | undefined {
  const parsed = parseMoney(value, currency);
  return parsed.ok && parsed.minor > 0 ? parsed.minor : undefined;
}

/** "10 credits", "1 hour", "90 minutes", "2 days": in English, or in `t`'s language (`amount.*`). */
export function describeAmount(type: ProductType, amount: number, t?: Translate): string {
  const say = (unit: string, count: number, english: string) =>
    t ? t(`amount.${unit}`, { count }) : `${count} ${english}${count === 1 ? '' : 's'}`;
  if (type === 'credits') return say('credits', amount, 'credit');
  const units: [number, string, string][] = [
    [86_400, 'days', 'day'],
    [3_600, 'hours', 'hour'],
    [60, 'minutes', 'minute'],
  ];
  for (const [seconds, unit, english] of units) {
    if (amount % seconds === 0) return say(unit, amount / seconds, english);
  }
  return t ? t('amount.seconds', { count: amount }) : `${amount} seconds`;
}

const itemSchema = z
  .object({
    label: z.string().trim().min(1, 'label must not be empty').max(250),
    type: z.enum(['credits', 'time'], { message: 'type must be credits or time' }),
    amount: z
      .number({ message: 'amount must be a whole number' })
      .int('amount must be a whole number')
      .positive('amount must be positive')
      .max(100_000_000),
    // A string, read in the item's currency once that is known (parseCatalog).
    price: z.union([z.string(), z.number()], {
      message: 'price must be a decimal string like "5.00"',
    }),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'currency must be a three-letter ISO code such as usd')
      .optional(),
    stars: z
      .number({ message: 'stars must be a whole number of Telegram Stars' })
      .int('stars must be a whole number of Telegram Stars')
      .min(STARS_MIN, `stars must be at least ${STARS_MIN}`)
      .max(STARS_MAX, `stars must be at most ${STARS_MAX} (Telegram's limit per invoice)`)
      .optional(),
    stars_subscription: z
      .boolean({ message: 'stars_subscription must be true or false' })
      .optional(),
  })
  .strict();

const catalogSchema = z
  .object({ products: z.array(itemSchema).min(1, 'products must list at least one product') })
  .strict();

/** The catalog file did not validate; every problem is listed. */
export class CatalogError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The catalog is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/**
 * Validates a parsed catalog document (YAML already turned into data) and returns its items
 * with prices in minor units; `currency` applies to items that do not name one.
 */
export function parseCatalog(document: unknown, currency: string): CatalogItem[] {
  const result = catalogSchema.safeParse(document);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        return `${where}${issue.message}`;
      });
  // Prices are read in their item's currency, for every item, so all problems come at once.
  const raw = (document as { products?: unknown } | null)?.products;
  const prices = (Array.isArray(raw) ? raw : []).map((item: unknown, index) =>
    rawPrice(item, currency, `products.${index}`, problems),
  );
  if (!result.success || problems.length > 0) throw new CatalogError(problems);
  const items = result.data.products.map((p, index) => ({
    label: p.label,
    type: p.type,
    amount: p.amount,
    priceCents: prices[index] as number,
    currency: (p.currency ?? currency).toLowerCase(),
    ...(p.stars !== undefined ? { stars: p.stars } : {}),
    ...(p.stars_subscription === true ? { starsSubscription: true } : {}),
  }));
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    if (item.starsSubscription && (item.type !== 'time' || item.stars == null)) {
      problems.push(
        `products.${index}.stars_subscription: only a time pass with a Stars price (\`stars:\`) ` +
          'can be sold as a Star subscription',
      );
    }
    const key = productKey(item);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        `products.${index}: ${describeAmount(item.type, item.amount)} is already products.${first}; ` +
          'each type and amount may appear once (fans buy /buy<amount>)',
      );
    } else seen.set(key, index);
  });
  if (problems.length > 0) throw new CatalogError(problems);
  return items;
}

/**
 * A catalog item's price in its currency's minor units; a problem (with its path) is noted
 * when it is not one. Items whose price or currency the schema already refuses are skipped.
 */
function rawPrice(raw: unknown, fallback: string, where: string, problems: string[]): number {
  const { price, currency = fallback } = (raw ?? {}) as { price?: unknown; currency?: unknown };
  if (typeof price !== 'string' && typeof price !== 'number') return 0;
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency)) return 0;
  if (!isSupportedCurrency(currency)) {
    problems.push(`${where}.currency: ${unsupportedCurrencyProblem(currency)}`);
    return 0;
  }
  const parsed = parseMoney(String(price), currency);
  if (!parsed.ok) problems.push(`${where}.price: price ${parsed.problem}`);
  else if (parsed.minor <= 0)
    problems.push(`${where}.price: price "${String(price)}" must be a positive amount like "5.00"`);
  return parsed.ok ? parsed.minor : 0;
}

/** What identifies a product: its type and amount (the label is only shown). */
export function productKey(item: { type: ProductType; amount: number }): string {
  return `${item.type}:${item.amount}`;
}

/** Reads premiumbot metadata from a Stripe product; undefined when it is not ours or is malformed. */
export function readProductMetadata(
  metadata: Record<string, string> | null | undefined,
): { type: ProductType; amount: number; stars?: number; starsSubscription?: boolean } | undefined {
  const type = metadata?.[CATALOG_METADATA.type];
  const amountText = metadata?.[CATALOG_METADATA.amount];
  if ((type !== 'credits' && type !== 'time') || amountText === undefined) return undefined;
  if (!/^\d{1,9}$/.test(amountText)) return undefined;
  const amount = Number(amountText);
  if (amount <= 0) return undefined;
  const stars = readStars(metadata?.[CATALOG_METADATA.stars]);
  const subscription = metadata?.[CATALOG_METADATA.starsSubscription]?.trim() === 'true';
  return {
    type,
    amount,
    ...(stars === null ? {} : { stars }),
    ...(subscription ? { starsSubscription: true } : {}),
  };
}

/** `premiumbot_stars` as a Stars price; null when absent, empty or not a valid price (1–10,000). */
export function readStars(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text.trim())) return null;
  const stars = Number(text.trim());
  return isStarsPrice(stars) ? stars : null;
}

/** One change the pull makes to the local `products` table. */
export type LocalChange =
  | { kind: 'insert'; price: RemotePrice; sort: number }
  | { kind: 'update'; id: number; price: RemotePrice; sort: number; fields: string[] }
  | { kind: 'deactivate'; id: number; label: string; stripePriceId: string | null };

/**
 * Plans the pull: every active premiumbot price on Stripe becomes an active local row (keyed
 * by its price id); local rows whose price is no longer active on Stripe are deactivated,
 * never deleted (purchases reference them). Sort follows the catalog order when given.
 */
export function planLocalSync(
  remote: readonly RemotePrice[],
  local: readonly LocalProduct[],
  catalogOrder: readonly CatalogItem[] = [],
): LocalChange[] {
  const changes: LocalChange[] = [];
  const byPrice = new Map(
    local.filter((l) => l.stripePriceId).map((l) => [l.stripePriceId as string, l]),
  );
  const sorted = [...remote].sort(compareForSort(catalogOrder));
  const seen = new Set<string>();
  sorted.forEach((price, index) => {
    seen.add(price.priceId);
    const sort = (index + 1) * 10;
    const row = byPrice.get(price.priceId);
    if (!row) {
      changes.push({ kind: 'insert', price, sort });
      return;
    }
    const fields: string[] = [];
    if (row.label !== price.label) fields.push('label');
    if (row.type !== price.type) fields.push('type');
    if (row.amount !== price.amount) fields.push('amount');
    if (row.priceCents !== price.priceCents) fields.push('price');
    if (row.currency !== price.currency) fields.push('currency');
    if ((row.stars ?? null) !== (price.stars ?? null)) fields.push('stars');
    if ((row.starsSubscription === true) !== (price.starsSubscription === true))
      fields.push('stars_subscription');
    if (row.stripeProductId !== price.productId) fields.push('product');
    if (!row.active) fields.push('active');
    if (row.sort !== sort) fields.push('sort');
    if (fields.length > 0) changes.push({ kind: 'update', id: row.id, price, sort, fields });
  });
  for (const row of local) {
    if (!row.active) continue;
    if (row.stripePriceId && seen.has(row.stripePriceId)) continue;
    changes.push({
      kind: 'deactivate',
      id: row.id,
      label: row.label,
      stripePriceId: row.stripePriceId,
    });
  }
  return changes;
}

function compareForSort(
  catalog: readonly CatalogItem[],
): (a: RemotePrice, b: RemotePrice) => number {
  const position = new Map(catalog.map((item, i) => [productKey(item), i]));
  const rank = (p: RemotePrice) => position.get(productKey(p)) ?? Number.MAX_SAFE_INTEGER;
  return (a, b) =>
    rank(a) - rank(b) ||
    (a.type === b.type ? 0 : a.type === 'credits' ? -1 : 1) ||
    a.amount - b.amount ||
    a.priceCents - b.priceCents ||
    a.priceId.localeCompare(b.priceId);
}

/** Flattens remote products into their active prices (only active products count). */
export function activePrices(remote: readonly RemoteProduct[]): RemotePrice[] {
  return remote
    .filter((p) => p.active)
    .flatMap((p) =>
      p.prices.map((price) => ({
        productId: p.productId,
        priceId: price.priceId,
        label: p.label,
        type: p.type,
        amount: p.amount,
        priceCents: price.priceCents,
        currency: price.currency,
        stars: p.stars ?? null,
        starsSubscription: p.starsSubscription === true,
      })),
    );
}
