/**
 * What /users reads and changes about fans besides their card (src/core/info-card.ts):
 * search, lists, payments, the tier set by hand, private notes, and refunds through Stripe.
 * The ports are implemented in src/adapters/db/user-search-store.ts and
 * src/adapters/stripe/refunds.ts; everything here is pure.
 */
import { TIERS, type Tier } from './tiers.js';

/** What the admin typed after /users. */
export type UserQuery =
  | { kind: 'none' }
  | { kind: 'id'; id: number }
  | { kind: 'username'; username: string }
  | { kind: 'name'; fragment: string };

/** `12345` → an id, `@anna` → a username, anything else a name fragment. */
export function parseUserQuery(input: string): UserQuery {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { kind: 'none' };
  if (/^\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text))) {
    return { kind: 'id', id: Number(text) };
  }
  if (/^@[A-Za-z0-9_]{1,64}$/.test(text)) return { kind: 'username', username: text.slice(1) };
  return { kind: 'name', fragment: text.slice(0, 64) };
}

/** The orders of the /users lists. */
export const USER_SORTS = ['spend', 'activity', 'tier'] as const;

export type UserSort = (typeof USER_SORTS)[number];

export function isUserSort(value: unknown): value is UserSort {
  return typeof value === 'string' && (USER_SORTS as readonly string[]).includes(value);
}

/** A fan in a /users list. */
export interface UserListRow {
  fanId: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  tier: Tier;
  credits: number;
  totalSpentCents: number;
  lastActivityAt: Date | null;
}

/** One page of a list, with the total for paging. */
export interface UserListPage {
  rows: UserListRow[];
  total: number;
}

/** A payment as the user screen lists it (a `transactions` row). */
export interface FanPayment {
  id: number;
  createdAt: Date;
  amountPaidCents: number;
  amountRefundedCents: number;
  currency: string;
  status: string;
  disputeStatus: string | null;
  creditsGranted: number;
  secondsGranted: number;
  paymentIntentId: string | null;
  /** Stripe's charge, or Telegram's `telegram_payment_charge_id` for a Stars payment. */
  chargeId: string | null;
  /** `stars` for a Telegram Stars payment (refunded with refundStarPayment). */
  source: string;
}

/** A Telegram Stars payment (refunded whole with refundStarPayment, by its charge id). */
export function isStarsPayment(payment: FanPayment): boolean {
  return payment.source === 'stars' && payment.chargeId !== null;
}

/** What the user screen shows besides the card. */
export interface FanAdminFacts {
  /** The tier set by hand (null: the spend rule decides). */
  tierOverride: Tier | null;
  notes: string | null;
  pinned: boolean;
  creditDebt: number;
  /** Newest first. */
  payments: FanPayment[];
  /** How many payments the fan made in all. */
  paymentCount: number;
}

/** The database side of /users. */
export interface FanAdminStore {
  search(query: UserQuery, page: { offset: number; limit: number }): Promise<UserListPage>;
  list(sort: UserSort, page: { offset: number; limit: number }): Promise<UserListPage>;
  /** Null when no such fan. */
  facts(fanId: number, paymentLimit: number): Promise<FanAdminFacts | null>;
  payment(paymentId: number): Promise<(FanPayment & { fanId: number }) | null>;
  /**
   * Sets the tier by hand (`null`: back to the spend rule, `spendTier` being what it says).
   * Returns the override before, or undefined when nothing changed.
   */
  setTierOverride(
    fanId: number,
    tier: Tier | null,
    spendTier: Tier,
  ): Promise<{ before: Tier | null } | undefined>;
  /** Sets the private notes (null clears); false when the fan has no conversation yet. */
  setNotes(fanId: number, notes: string | null): Promise<boolean>;
}

/** A refund the panel asks Stripe for (what is left of one payment). */
export interface RefundRequest {
  paymentId: number;
  paymentIntentId: string;
  /** What is refunded, in the currency's minor units. */
  amountCents: number;
  /** Already refunded before this one (part of the idempotency key). */
  refundedBeforeCents: number;
  currency: string;
  fanId: number;
  actorId: number;
}

/**
 * Refunds through Stripe. The ledger is not touched here: Stripe's `charge.refunded` event
 * takes the credits back through the same handler as any refund (keyed `refund:<re_…>`).
 */
export interface PaymentRefunds {
  /** `replayed`: Stripe had already made this refund (the same request again). */
  refund(request: RefundRequest): Promise<{ refundId: string; status: string; replayed: boolean }>;
}

/** What can still be refunded of a payment (0: nothing, or it is disputed). */
export function refundableCents(payment: FanPayment): number {
  if (!payment.paymentIntentId && !isStarsPayment(payment)) return 0;
  if (payment.status !== 'paid' && payment.status !== 'partially_refunded') return 0;
  if (payment.disputeStatus !== null) return 0;
  return Math.max(0, payment.amountPaidCents - payment.amountRefundedCents);
}

/** The newest payment that can still be refunded, if any. */
export function lastRefundable(payments: readonly FanPayment[]): FanPayment | null {
  const newest = payments.find((p) => p.status !== 'pending' && p.status !== 'failed');
  return newest && refundableCents(newest) > 0 ? newest : null;
}

/** A tier read from storage or a button (anything else: null). */
export function tierOf(value: unknown): Tier | null {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value)
    ? (value as Tier)
    : null;
}

/** Pass-time gift presets, in seconds (1 hour, 1 day, 7 days). */
export const PASS_GIFT_PRESETS: readonly number[] = [3600, 86_400, 604_800];

/** The longest note kept (characters). */
export const MAX_NOTE_LENGTH = 1000;

/** The largest credit gift typed by hand (the same bound as the gift presets). */
export const MAX_GIFT_CREDITS = 100_000;

/** Ledger keys of panel gifts: one gift per opened gift menu (`nonce`), however many taps. */
export const panelGiftKeys = {
  credits: (nonce: string) => `gift_panel:${nonce}`,
  pass: (nonce: string) => `gift_pass_panel:${nonce}`,
};
