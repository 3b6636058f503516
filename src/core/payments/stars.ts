/**
 * Telegram Stars (`XTR`), the rules with no I/O: the invoice payload that carries our payment
 * row, the pre-checkout decision (Telegram waits 10 s for it), the ledger keys of a Stars
 * grant (keyed on `telegram_payment_charge_id`), and the event a `successful_payment` becomes
 * so it enters the SAME processor as Stripe's events.
 */
import type { LocalProduct } from '../catalog.js';
import { validateKey } from '../ledger.js';
import type {
  ReceivedEvent,
  StarsInvoicePayload,
  StarsPaymentFacts,
  StarsRefundFacts,
} from './events.js';
import type { PaymentFan, PaymentRecord } from './ports.js';
import { isStarsPrice } from './rails.js';

/** The currency code of Stars in the Bot API (our rows store it lowercase, like Stripe's). */
export const STARS_INVOICE_CURRENCY = 'XTR';

const PAYLOAD = /^pbs1:(\d{1,15}):(\d{1,15}):([ct]):(\d{1,9}):(\d{1,5})$/;

/** `pbs1:<row>:<product>:<c|t>:<amount>:<stars>` — at most 64 bytes (Telegram allows 128). */
export function encodeStarsPayload(p: StarsInvoicePayload): string {
  const type = p.productType === 'credits' ? 'c' : 't';
  return `pbs1:${p.paymentId}:${p.productId}:${type}:${p.productAmount}:${p.stars}`;
}

/** Our payload read back; null for anything else (another bot's invoice, a malformed one). */
export function decodeStarsPayload(text: string): StarsInvoicePayload | null {
  const m = PAYLOAD.exec(text);
  if (!m) return null;
  const stars = Number(m[5]);
  const productAmount = Number(m[4]);
  if (!isStarsPrice(stars) || productAmount <= 0) return null;
  return {
    paymentId: Number(m[1]),
    productId: Number(m[2]),
    productType: m[3] === 'c' ? 'credits' : 'time',
    productAmount,
    stars,
  };
}

/** The ledger key of a Stars purchase: one grant per Telegram charge, whatever redelivers it. */
export function starsGrantKey(chargeId: string, type: 'credits' | 'time'): string {
  return validateKey(`${type === 'credits' ? 'grant' : 'pass_grant'}:stars:${chargeId}`);
}

/**
 * The id a Stars payment is claimed under in the processor's event table: the charge id, so
 * a redelivered update (same or restarted update id) is a duplicate there too.
 */
export function starsEventId(chargeId: string): string {
  return `tg_stars:${chargeId}`;
}

/** A `successful_payment` as the processor's input (install check: not applicable). */
export function starsReceivedEvent(payment: StarsPaymentFacts, nowSeconds: number): ReceivedEvent {
  return {
    id: starsEventId(payment.chargeId),
    type: 'telegram.successful_payment',
    objectId: payment.chargeId,
    created: nowSeconds,
    installId: null,
    event: { kind: 'stars.paid', payment },
  };
}

/**
 * The id a Stars refund is keyed on (`stars:<charge>`): the ledger entry `refund:stars:<charge>`
 * (or `pass_revoke:stars:<charge>`) and the notices' dedupe keys. Telegram refunds a Stars
 * payment whole, once, so the charge names its only refund.
 */
export function starsRefundId(chargeId: string): string {
  return `stars:${chargeId}`;
}

/** The ledger keys of a Stars refund: `refund:stars:<charge>`, `pass_revoke:stars:<charge>`. */
export function starsRefundKeys(chargeId: string): { refund: string; passRevoke: string } {
  return {
    refund: validateKey(`refund:${starsRefundId(chargeId)}`),
    passRevoke: validateKey(`pass_revoke:${starsRefundId(chargeId)}`),
  };
}

/**
 * A Stars refund as the processor's input, claimed as `tg_stars_refund:<charge>`: the refund
 * we apply after `refundStarPayment` and Telegram's `refunded_payment` about it are one event.
 */
export function starsRefundEvent(refund: StarsRefundFacts, nowSeconds: number): ReceivedEvent {
  return {
    id: `tg_stars_refund:${refund.chargeId}`,
    type: 'telegram.refunded_payment',
    objectId: refund.chargeId,
    created: nowSeconds,
    installId: null,
    event: { kind: 'stars.refunded', refund },
  };
}

/** Why a pre-checkout is refused; each has a `payment.stars.refused.<reason>` text. */
export type PreCheckoutRefusal =
  | 'unknown_invoice'
  | 'already_paid'
  | 'expired'
  | 'unavailable'
  | 'price_changed'
  | 'banned'
  | 'frozen'
  | 'stars_off';

/** Everything the pre-checkout decision looks at, read before answering. */
export interface PreCheckoutFacts {
  fanId: number;
  currency: string;
  totalAmount: number;
  invoice: StarsInvoicePayload | null;
  row: PaymentRecord | null;
  product: LocalProduct | null;
  fan: PaymentFan | null;
  /** The Stars rail is on (the setting may have changed since the invoice was sent). */
  starsOn: boolean;
}

/**
 * Whether Telegram may take the fan's Stars: the invoice is ours and still pending for this
 * fan, the product still on sale for Stars at the invoiced price, the fan neither banned nor
 * frozen. A refusal grants nothing (no payment happens).
 */
export function decidePreCheckout(
  f: PreCheckoutFacts,
): { ok: true } | { ok: false; reason: PreCheckoutRefusal } {
  const refuse = (reason: PreCheckoutRefusal) => ({ ok: false as const, reason });
  const { invoice, row } = f;
  if (!invoice || f.currency !== STARS_INVOICE_CURRENCY || f.totalAmount !== invoice.stars)
    return refuse('unknown_invoice');
  if (!row || row.fanId !== f.fanId || row.source !== 'stars') return refuse('unknown_invoice');
  if (row.productId !== invoice.productId) return refuse('unknown_invoice');
  // Swept after a day unpaid (`stars-upkeep.ts`): the fan asks for a fresh invoice.
  if (row.status === 'expired') return refuse('expired');
  if (row.status !== 'pending') return refuse('already_paid');
  if (f.fan?.isBanned) return refuse('banned');
  if (f.fan?.isFrozen) return refuse('frozen');
  const product = f.product;
  if (!product || !product.active) return refuse('unavailable');
  if (product.type !== invoice.productType || product.amount !== invoice.productAmount)
    return refuse('unavailable');
  if ((product.stars ?? null) !== invoice.stars) return refuse('price_changed');
  // Last: with `auto`, archiving the only Stars product also turns the rail off.
  if (!f.starsOn) return refuse('stars_off');
  return { ok: true };
}
