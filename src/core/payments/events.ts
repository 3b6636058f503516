/**
 * Stripe events as the payment rules see them: only the fields premiumbot relies on,
 * validated at the edge (src/adapters/stripe/events.ts) before they get here.
 */

/**
 * Where a payment was started. Checkout payments are fulfilled from Checkout events only;
 * `stars` payments (Telegram Stars invoices) from Telegram's `successful_payment` only.
 */
export type PaymentSource = 'checkout' | 'quick_buy' | 'auto_recharge' | 'stars';

/** What premiumbot writes into Stripe metadata, read back from events. */
export interface PurchaseMetadata {
  fanId: number;
  productId: number | null;
  productType: 'credits' | 'time';
  /** Credits, or seconds for time products, as sold when the payment started. */
  productAmount: number;
  productLabel: string | null;
  source: PaymentSource;
  /** The auto-recharge attempt that made a PaymentIntent. */
  attemptId: number | null;
  /** Our `transactions` row, when it was created before the Stripe object (checkout, quick-buy). */
  paymentId: number | null;
  /** A vault item bought with money (a one-off Checkout): delivered, no credits granted. */
  contentId?: number | null;
}

export interface CheckoutSessionFacts {
  sessionId: string;
  paymentIntentId: string | null;
  customerId: string | null;
  /** `paid`, `unpaid` (an asynchronous method still settling) or `no_payment_required`. */
  paymentStatus: string;
  amountTotal: number;
  currency: string;
  purchase: PurchaseMetadata | null;
}

export interface PaymentIntentFacts {
  paymentIntentId: string;
  customerId: string | null;
  amount: number;
  amountReceived: number;
  currency: string;
  chargeId: string | null;
  purchase: PurchaseMetadata | null;
  failure: PaymentFailure | null;
}

export interface PaymentFailure {
  /** `card_declined`, `authentication_required`, `expired_card`… */
  code: string | null;
  /** `insufficient_funds`, `generic_decline`… */
  declineCode: string | null;
  message: string | null;
}

export interface RefundFacts {
  refundId: string;
  amount: number;
  status: string;
}

export interface ChargeFacts {
  chargeId: string;
  paymentIntentId: string | null;
  amount: number;
  amountRefunded: number;
  currency: string;
  /**
   * Every refund of the charge, oldest first; null when the payload does not list them (the
   * pinned API version leaves `refunds` out unless expanded): they are read from Stripe
   * before the event is applied (`charge-lookup.ts`).
   */
  refunds: RefundFacts[] | null;
  purchase: PurchaseMetadata | null;
}

export interface DisputeFacts {
  disputeId: string;
  chargeId: string;
  paymentIntentId: string | null;
  amount: number;
  currency: string;
  reason: string;
  /** `needs_response`, `under_review`, `won`, `lost`… */
  status: string;
  /**
   * What premiumbot wrote on the disputed charge, read from Stripe before the event is
   * applied (disputes carry no metadata): null for a charge premiumbot never made,
   * undefined when it was not looked up.
   */
  purchase?: PurchaseMetadata | null;
}

export interface PaymentMethodFacts {
  paymentMethodId: string;
  customerId: string | null;
  brand: string | null;
  last4: string | null;
}

/** A Telegram `successful_payment` in Stars, reduced to what the rules need. */
export interface StarsPaymentFacts {
  fanId: number;
  /** `telegram_payment_charge_id`: what the grant is keyed on (and a Stars refund names). */
  chargeId: string;
  /** Stars paid (`total_amount`, XTR has no minor unit). */
  stars: number;
  /** Our invoice payload, decoded; null when it is not one of ours. */
  invoice: StarsInvoicePayload | null;
  /**
   * A Star subscription's payment (`is_recurring`): when the paid period ends (unix seconds,
   * `subscription_expiration_date`) and whether it is the first payment or a renewal.
   */
  subscription?: { expiresAt: number; first: boolean } | null;
}

/** An active Star subscription whose paid period ended without a renewal payment. */
export interface LapsedStarsSubscription {
  id: number;
  fanId: number;
  productId: number | null;
  stars: number;
  expiresAt: Date;
}

/** A Stars refund (`refundStarPayment`, ours or Telegram support's): the whole charge. */
export interface StarsRefundFacts {
  fanId: number;
  /** `telegram_payment_charge_id` of the refunded payment. */
  chargeId: string;
}

/** What a Stars invoice carries in its payload (see `stars.ts`). */
export interface StarsInvoicePayload {
  /** Our `transactions` row, created before the invoice was sent. */
  paymentId: number;
  productId: number;
  productType: 'credits' | 'time';
  productAmount: number;
  /** The Stars price the invoice was made for. */
  stars: number;
}

/** A payment event (Stripe's, or Telegram's for Stars) reduced to what the rules need. */
export type PaymentEvent =
  | { kind: 'stars.paid'; payment: StarsPaymentFacts }
  /** A Stars payment refunded: our panel or CLI, or Telegram's `refunded_payment` message. */
  | { kind: 'stars.refunded'; refund: StarsRefundFacts }
  /** A Star subscription's period ended with no renewal (cancelled, or not enough Stars). */
  | { kind: 'stars.subscription_lapsed'; lapse: LapsedStarsSubscription }
  | { kind: 'checkout.completed'; session: CheckoutSessionFacts }
  | { kind: 'checkout.async_succeeded'; session: CheckoutSessionFacts }
  | { kind: 'checkout.async_failed'; session: CheckoutSessionFacts }
  | { kind: 'intent.succeeded'; intent: PaymentIntentFacts }
  | { kind: 'intent.failed'; intent: PaymentIntentFacts }
  | { kind: 'card.attached'; method: PaymentMethodFacts }
  /** `payment_method.detached`: removed in the portal (the customer is the previous one). */
  | { kind: 'card.detached'; method: PaymentMethodFacts }
  | { kind: 'charge.refunded'; charge: ChargeFacts }
  /** `charge.refund.updated`: a refund failed or was cancelled (the charge as its refund names it). */
  | { kind: 'refund.updated'; charge: ChargeFacts }
  | { kind: 'dispute.created'; dispute: DisputeFacts }
  | { kind: 'dispute.closed'; dispute: DisputeFacts };

/** One received Stripe event: its envelope, and the payment event when premiumbot handles the type. */
export interface ReceivedEvent {
  id: string;
  type: string;
  /** The id of the object the event is about (session, intent, charge…). */
  objectId: string | null;
  /** Unix seconds. */
  created: number;
  /** The `premiumbot_install` metadata of the event's object; null when it carries none. */
  installId: string | null;
  /** Null for event types premiumbot records but does not act on. */
  event: PaymentEvent | null;
}
