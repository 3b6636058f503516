/** The ports of the payment rules: the database (PaymentStore) and Stripe (PaymentGateway). */
import type { LocalProduct } from '../catalog.js';
import type { FanProfile } from '../fan.js';
import type { TierThresholds } from '../tiers.js';
import type { NewOutboxJob } from '../traffic/outbox.js';
import type {
  ChargeFacts,
  LapsedStarsSubscription,
  PaymentFailure,
  PaymentSource,
} from './events.js';
import type { DisputeStatus, TransactionStatus } from './rules.js';

/** One `transactions` row: a payment, from its start (pending) to refunds and disputes. */
export interface PaymentRecord {
  id: number;
  fanId: number;
  productId: number | null;
  source: PaymentSource;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  amountPaidCents: number;
  amountRefundedCents: number;
  currency: string;
  creditsGranted: number;
  secondsGranted: number;
  status: TransactionStatus;
  disputeId: string | null;
  disputeStatus: DisputeStatus | null;
  failureCode: string | null;
  createdAt: Date;
}

/** The fields a new payment row starts with. */
export interface NewPayment {
  fanId: number;
  productId: number | null;
  source: PaymentSource;
  currency: string;
  checkoutSessionId?: string | null;
  paymentIntentId?: string | null;
}

export type PaymentPatch = Partial<
  Pick<
    PaymentRecord,
    | 'checkoutSessionId'
    | 'paymentIntentId'
    | 'chargeId'
    | 'amountPaidCents'
    | 'amountRefundedCents'
    | 'currency'
    | 'creditsGranted'
    | 'secondsGranted'
    | 'status'
    | 'disputeId'
    | 'disputeStatus'
    | 'failureCode'
  >
>;

/** A payment row found by the id Stripe (or Telegram, for Stars: the charge id) knows it by. */
export type PaymentLookup =
  | { id: number }
  | { checkoutSessionId: string }
  | { paymentIntentId: string }
  | { chargeId: string };

export interface SavedCard {
  paymentMethodId: string;
  brand: string | null;
  last4: string | null;
}

export interface AutoRechargeSettings {
  enabled: boolean;
  productId: number | null;
  threshold: number | null;
  consecutiveFailures: number;
}

/** What the payment rules need to know about a fan: their profile plus their money. */
export interface PaymentFan extends FanProfile {
  firstName: string | null;
  username: string | null;
  /** The fan's Telegram `language_code` (their texts' language); null when unknown. */
  languageCode: string | null;
  stripeCustomerId: string | null;
  savedCard: SavedCard | null;
  autoRecharge: AutoRechargeSettings;
  credits: number;
  seconds: number;
  debt: number;
  isFrozen: boolean;
  /** Banned by the team (`users.is_banned`): refused at a Stars pre-checkout. */
  isBanned?: boolean;
  tier: string;
  totalSpentCents: number;
}

export type RechargeStatus = 'pending' | 'processing' | 'succeeded' | 'failed' | 'requires_action';

/** One `auto_recharge_attempts` row: one off-session charge for one threshold crossing. */
export interface RechargeAttempt {
  id: number;
  fanId: number;
  productId: number | null;
  /** Also the Stripe Idempotency-Key of the PaymentIntent. */
  idempotencyKey: string;
  paymentIntentId: string | null;
  status: RechargeStatus;
  failureCode: string | null;
  createdAt: Date;
}

/** The Stripe event bookkeeping of the `stripe_events` table. */
export interface EventEnvelope {
  id: string;
  type: string;
  objectId: string | null;
}

/**
 * Persistence of payments. Methods taking `tx` run inside the caller's transaction; reading
 * a payment with `tx` locks its row until the transaction ends (Postgres), so two events
 * about one payment are applied one after the other.
 */
export interface PaymentStore<Tx> {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Records the event and marks it processed, inside `tx`; false when it was already
   * processed (a duplicate). Concurrent claims of one id wait for each other.
   */
  claimEvent(tx: Tx, event: EventEnvelope): Promise<boolean>;
  /**
   * Outside any transaction: notes a failed handler run (the event stays unprocessed) and
   * returns how many runs of this event have failed so far.
   */
  recordEventFailure(event: EventEnvelope, error: string): Promise<number>;
  isEventProcessed(id: string): Promise<boolean>;

  findPayment(lookup: PaymentLookup, tx?: Tx): Promise<PaymentRecord | null>;
  /** The row for `lookup` (created from `init` when missing), locked until `tx` ends. */
  lockPayment(
    tx: Tx,
    lookup: { checkoutSessionId: string } | { paymentIntentId: string },
    init: NewPayment,
  ): Promise<PaymentRecord>;
  /** Locks an existing row; null when there is none. */
  lockExisting(tx: Tx, lookup: PaymentLookup): Promise<PaymentRecord | null>;
  createPayment(init: NewPayment, tx?: Tx): Promise<PaymentRecord>;
  /** Applies `patch`; with `onlyIfStatus`, only while the row still has that status. Returns whether it changed. */
  updatePayment(
    id: number,
    patch: PaymentPatch,
    options?: { onlyIfStatus?: TransactionStatus; onlyIfNoIntent?: boolean },
    tx?: Tx,
  ): Promise<boolean>;
  /**
   * Marks a pending quick-buy row as charged before Stripe is called; false when a charge was
   * already started for it (a second Confirm, even days later) or it is no longer pending.
   */
  claimCharge(id: number): Promise<boolean>;
  /** Pending Checkout payments of a fan for a product (older sessions to expire). */
  openCheckouts(fanId: number, productId: number): Promise<PaymentRecord[]>;

  fan(fanId: number, tx?: Tx): Promise<PaymentFan | null>;
  /** Makes sure a `users` row exists (a payment for a fan restored from an older backup). */
  ensureFan(
    fanId: number,
    tx: Tx,
    profile?: {
      firstName?: string | null;
      lastName?: string | null;
      username?: string | null;
      languageCode?: string | null;
    },
  ): Promise<void>;
  fanByCustomer(customerId: string, tx?: Tx): Promise<number | null>;
  /** Stores the fan's Stripe customer unless one is stored already; returns the stored one. */
  setCustomer(fanId: number, customerId: string): Promise<string>;
  setSavedCard(fanId: number, card: SavedCard, tx?: Tx): Promise<void>;
  /** Forgets the fan's saved card if it is `paymentMethodId`; true when it was. */
  forgetSavedCard(fanId: number, paymentMethodId: string, tx: Tx): Promise<boolean>;
  setFrozen(fanId: number, frozen: boolean, tx: Tx): Promise<void>;
  /**
   * True when another payment of the fan has a dispute that keeps them frozen (open, or
   * lost): freezes are counted per dispute.
   */
  hasOtherFreezingDispute(fanId: number, exceptPaymentId: number, tx: Tx): Promise<boolean>;
  /**
   * Recomputes total spend (net of refunds and lost disputes) and the tier. Only payments in
   * the install's currency (CURRENCY) count: amounts in different currencies are never added.
   */
  refreshSpend(
    fanId: number,
    thresholds: TierThresholds,
    tx: Tx,
  ): Promise<{ totalSpentCents: number; currency: string; tier: string }>;
  setAutoRecharge(fanId: number, patch: Partial<AutoRechargeSettings>, tx?: Tx): Promise<void>;

  product(id: number, tx?: Tx): Promise<LocalProduct | null>;
  activeProducts(): Promise<LocalProduct[]>;

  /**
   * Starts an attempt for a crossing unless the fan already has one in flight (pending or
   * processing and newer than `staleBefore`), or their balance is above `creditsAtMost` by
   * now (an earlier recharge landed since the crossing); the fan's row is locked while
   * deciding.
   */
  startRechargeAttempt(
    fanId: number,
    productId: number,
    staleBefore: Date,
    creditsAtMost?: number,
  ): Promise<RechargeAttempt | null>;
  findAttempt(
    lookup: { id: number } | { paymentIntentId: string },
    tx?: Tx,
  ): Promise<RechargeAttempt | null>;
  updateAttempt(
    id: number,
    patch: Partial<Pick<RechargeAttempt, 'paymentIntentId' | 'status' | 'failureCode'>>,
    tx?: Tx,
  ): Promise<void>;

  /** Persists outgoing Telegram work (receipts, notes) in the same transaction. */
  enqueue(jobs: readonly NewOutboxJob[], tx?: Tx): Promise<void>;

  /**
   * A Star subscription's payment: the first creates its row (fan + invoice payload), a
   * renewal names its charge and moves `expires_at` on (never back) and makes it active again.
   */
  recordStarsSubscription(payment: StarsSubscriptionPayment, tx: Tx): Promise<void>;
  /**
   * Ends the subscription as `status` — `refunded` by its last charge, or `lapsed` while it
   * is still active and still ends at `expiresAt` (no renewal came in between). True when
   * this call changed it (so the fan and the team are told once).
   */
  endStarsSubscription(
    end:
      { status: 'refunded'; chargeId: string } | { status: 'lapsed'; id: number; expiresAt: Date },
    tx: Tx,
  ): Promise<boolean>;
}

/** One payment of a Star subscription, as `recordStarsSubscription` stores it. */
export interface StarsSubscriptionPayment {
  fanId: number;
  productId: number;
  /** The invoice payload every payment of the subscription carries (its key with the fan). */
  payload: string;
  chargeId: string;
  stars: number;
  expiresAt: Date;
}

/** What the Stars upkeep job reads and sweeps outside any event (see `stars-upkeep.ts`). */
export interface StarsUpkeepStore {
  /** Active subscriptions whose period ended before `before` (oldest first, at most `limit`). */
  lapsedStarsSubscriptions(before: Date, limit: number): Promise<LapsedStarsSubscription[]>;
  /** Marks pending Stars invoices created before `before` expired; returns how many. */
  expireStarsInvoices(before: Date): Promise<number>;
}

export interface CheckoutRequest {
  customerId: string;
  product: LocalProduct;
  successUrl: string;
  cancelUrl: string;
  /** Save the card for off-session charges (auto-recharge on); otherwise the fan may tick "save". */
  saveForOffSession: boolean;
  metadata: Record<string, string>;
  clientReferenceId: string;
  idempotencyKey: string;
  /**
   * Charge `product.priceCents` in `product.currency` as an inline price named
   * `product.label` (a vault item has no Stripe price of its own).
   */
  inlinePrice?: boolean;
}

export interface OffSessionCharge {
  customerId: string;
  paymentMethodId: string;
  amountCents: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
}

export type ChargeOutcome =
  | { status: 'succeeded' | 'processing' | 'requires_action'; paymentIntentId: string }
  | { status: 'declined'; paymentIntentId: string | null; failure: PaymentFailure };

/** What premiumbot asks of Stripe (src/adapters/stripe implements it). No call runs inside a DB transaction. */
export interface PaymentGateway {
  createCustomer(
    fan: { id: number; name: string | null; username: string | null },
    idempotencyKey: string,
  ): Promise<string>;
  createCheckout(request: CheckoutRequest): Promise<{ sessionId: string; url: string }>;
  /** Expires an open session; a session already complete or expired is left alone. */
  expireCheckout(sessionId: string): Promise<void>;
  portalUrl(customerId: string, returnUrl: string): Promise<string>;
  chargeOffSession(charge: OffSessionCharge): Promise<ChargeOutcome>;
  /**
   * The charge as Stripe has it now, with every refund listed (oldest first) and what
   * premiumbot wrote in its metadata; null when Stripe knows no such charge.
   */
  retrieveCharge(chargeId: string): Promise<ChargeFacts | null>;
}

/** Runtime settings the payment rules read (before opening a transaction). */
export interface PaymentSettings {
  tierThresholds(): Promise<TierThresholds>;
  receiptsEnabled(): Promise<boolean>;
  maxRechargeFailures(): Promise<number>;
}

/** A button under a message to a fan. */
export type ReplyButton = { text: string; url: string } | { text: string; callbackData: string };

/** A message for a fan, rendered by the Telegram adapter. Plain text: no parse mode. */
export interface FanReply {
  text: string;
  buttons?: ReplyButton[][];
}
