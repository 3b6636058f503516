/**
 * A product being created from the admin panel, one answer at a time (label → credits or
 * time → amount → price), each answer checked with the catalog file's own rules
 * (`parseCatalog` in core/catalog.ts), so the panel and `products sync` accept the same
 * products and refuse the same mistakes with the same words.
 */
import {
  CatalogError,
  describeAmount,
  parseCatalog,
  productKey,
  type CatalogItem,
  type LocalProduct,
  type ProductType,
} from '../catalog.js';

/** What the admin has answered so far. */
export interface ProductDraft {
  /**
   * Changes whenever an answer does: the idempotency key of the draft's creation on Stripe,
   * so pressing Create again after a failure never makes a second product.
   */
  id: string;
  label?: string;
  type?: ProductType;
  amount?: number;
  /** The price in the currency's minor units. */
  price?: number;
  /** The optional Telegram Stars price (asked on the confirm step); null or absent: none. */
  stars?: number | null;
  currency: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

type Field = 'label' | 'amount' | 'price' | 'stars';

/** A valid value for every field but the one checked, so only its problems are reported. */
const FILLER = { label: 'x', type: 'credits', amount: 1, price: '1' } as const;

/** The catalog file's problems about `field` of one item, without the item's path. */
function catalogProblems(item: Record<string, unknown>, currency: string, field?: Field) {
  try {
    parseCatalog({ products: [item] }, currency);
    return [];
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    return err.problems
      .filter((p) => field === undefined || p.startsWith(`products.0.${field}`))
      .map((p) => p.replace(/^products\.0\.\w+: /, ''));
  }
}

/** A label fans will read: one line, the catalog file's length rules. */
export function checkLabel(text: string, currency: string): Checked<string> {
  const label = text.trim();
  if (/[\r\n]/.test(label)) return { ok: false, problems: ['label must fit on one line'] };
  const problems = catalogProblems({ ...FILLER, label }, currency, 'label');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: label };
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/**
 * Seconds of a duration typed by an admin: `90m`, `1h`, `2 days`, `1w`, or a bare number of
 * seconds (the catalog file's unit). Undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match =
    /^(\d{1,9})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)?$/i.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const unit = (match[2] ?? 's').toLowerCase()[0] as string;
  return Number(match[1]) * (DURATION_UNITS[unit] as number);
}

/** Credits (a whole number) or pass time (a duration), checked like the catalog's `amount`. */
export function checkAmount(type: ProductType, text: string, currency: string): Checked<number> {
  const trimmed = text.trim();
  const amount =
    type === 'credits'
      ? /^\d{1,12}$/.test(trimmed)
        ? Number(trimmed)
        : undefined
      : parseDuration(trimmed);
  if (amount === undefined) {
    const example =
      type === 'credits'
        ? 'a whole number of credits, like 10'
        : 'a duration like 30m, 1h or 7d (or seconds, like 3600)';
    return { ok: false, problems: [`amount must be ${example}`] };
  }
  const problems = catalogProblems({ ...FILLER, type, amount }, currency, 'amount');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: amount };
}

/** A price typed as in the catalog file ("5.00", "500" in JPY), in minor units. */
export function checkPrice(text: string, currency: string): Checked<number> {
  const price = text.trim().replace(/^[$€£¥]\s*/, '');
  const problems = catalogProblems({ ...FILLER, price }, currency, 'price');
  if (problems.length > 0) return { ok: false, problems };
  const [item] = parseCatalog({ products: [{ ...FILLER, price }] }, currency);
  return { ok: true, value: (item as CatalogItem).priceCents };
}

/**
 * A Telegram Stars price typed in `/products`: a whole number of Stars by the catalog file's
 * rules (1–10,000), "⭐ 250" accepted; 0, "none" or "-" remove it (null).
 */
export function checkStars(text: string): Checked<number | null> {
  const typed = text
    .trim()
    .replace(/^⭐\s*/, '')
    .replace(/[\s,]/g, '');
  if (/^(0|none|-)$/i.test(typed)) return { ok: true, value: null };
  const stars = /^\d{1,9}$/.test(typed) ? Number(typed) : Number.NaN;
  const problems = Number.isNaN(stars)
    ? ['stars must be a whole number of Telegram Stars, e.g. 250']
    : catalogProblems({ ...FILLER, stars }, 'usd', 'stars');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: stars };
}

/** The next step of a draft: what it still needs, in order. */
export function nextStep(draft: ProductDraft): 'label' | 'type' | 'amount' | 'price' | 'confirm' {
  if (draft.label === undefined) return 'label';
  if (draft.type === undefined) return 'type';
  if (draft.amount === undefined) return 'amount';
  if (draft.price === undefined) return 'price';
  return 'confirm';
}

/**
 * The finished draft as a catalog item, checked as a whole (the catalog's rules) and against
 * the active products: a type and amount may be sold once (fans buy `/buy<amount>`).
 */
export function checkDraft(
  draft: ProductDraft,
  active: readonly Pick<LocalProduct, 'id' | 'label' | 'type' | 'amount' | 'active'>[],
): Checked<CatalogItem> {
  if (nextStep(draft) !== 'confirm')
    return { ok: false, problems: ['the product is not complete yet'] };
  const item: CatalogItem = {
    label: draft.label as string,
    type: draft.type as ProductType,
    amount: draft.amount as number,
    priceCents: draft.price as number,
    currency: draft.currency,
    ...(draft.stars != null ? { stars: draft.stars } : {}),
  };
  // The price was read in the currency already (checkPrice); the rest is checked again whole.
  const problems = catalogProblems(
    { label: item.label, type: item.type, amount: item.amount, price: FILLER.price },
    item.currency,
  );
  if (!Number.isSafeInteger(item.priceCents) || item.priceCents <= 0) {
    problems.push('price must be a positive amount like "5.00"');
  }
  const conflict = conflictOf(item, active);
  if (conflict) problems.push(conflict);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: item };
}

/** Why `item` cannot be sold next to `products` (another active one sells the same), if so. */
export function conflictOf(
  item: { type: ProductType; amount: number },
  products: readonly Pick<LocalProduct, 'id' | 'label' | 'type' | 'amount' | 'active'>[],
  except?: number,
): string | undefined {
  const other = products.find(
    (p) => p.active && p.id !== except && productKey(p) === productKey(item),
  );
  if (!other) return undefined;
  return (
    `“${other.label}” already sells ${describeAmount(item.type, item.amount)}; ` +
    'each type and amount may be sold once (fans buy /buy<amount>) — archive it first or pick another amount'
  );
}
