/** The Stripe metadata premiumbot writes on sessions and payment intents, and reads back. */
import type { PaymentSource, PurchaseMetadata } from './events.js';

const SOURCES: readonly PaymentSource[] = ['checkout', 'quick_buy', 'auto_recharge'];

/** Metadata keys, all prefixed so other integrations on the account never collide. */
export const METADATA_KEYS = {
  fanId: 'premiumbot_fan_id',
  productId: 'premiumbot_product_id',
  productType: 'premiumbot_product_type',
  productAmount: 'premiumbot_product_amount',
  productLabel: 'premiumbot_product_label',
  source: 'premiumbot_source',
  attemptId: 'premiumbot_attempt_id',
  paymentId: 'premiumbot_payment_id',
  contentId: 'premiumbot_content_id',
} as const;

/** Metadata for a purchase (Stripe metadata values are strings of at most 500 characters). */
export function encodePurchase(p: PurchaseMetadata): Record<string, string> {
  const meta: Record<string, string> = {
    [METADATA_KEYS.fanId]: String(p.fanId),
    [METADATA_KEYS.productType]: p.productType,
    [METADATA_KEYS.productAmount]: String(p.productAmount),
    [METADATA_KEYS.source]: p.source,
  };
  if (p.productId !== null) meta[METADATA_KEYS.productId] = String(p.productId);
  if (p.productLabel) meta[METADATA_KEYS.productLabel] = p.productLabel.slice(0, 200);
  if (p.attemptId !== null) meta[METADATA_KEYS.attemptId] = String(p.attemptId);
  if (p.paymentId !== null) meta[METADATA_KEYS.paymentId] = String(p.paymentId);
  if (p.contentId) meta[METADATA_KEYS.contentId] = String(p.contentId);
  return meta;
}

function positiveInt(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Reads premiumbot's metadata back; null when the object is not one of ours (or incomplete). */
export function decodePurchase(
  meta: Record<string, string> | null | undefined,
  fallbackFanId?: string | null,
): PurchaseMetadata | null {
  if (!meta) return null;
  const fanId = positiveInt(meta[METADATA_KEYS.fanId] ?? fallbackFanId ?? undefined);
  const type = meta[METADATA_KEYS.productType];
  const amount = positiveInt(meta[METADATA_KEYS.productAmount]);
  const source = meta[METADATA_KEYS.source] as PaymentSource | undefined;
  if (fanId === null || amount === null) return null;
  if (type !== 'credits' && type !== 'time') return null;
  if (!source || !SOURCES.includes(source)) return null;
  const contentId = positiveInt(meta[METADATA_KEYS.contentId]);
  return {
    fanId,
    productId: positiveInt(meta[METADATA_KEYS.productId]),
    productType: type,
    productAmount: amount,
    productLabel: meta[METADATA_KEYS.productLabel] ?? null,
    source,
    attemptId: positiveInt(meta[METADATA_KEYS.attemptId]),
    paymentId: positiveInt(meta[METADATA_KEYS.paymentId]),
    ...(contentId === null ? {} : { contentId }),
  };
}
