/**
 * The credit ledger's rules: what a movement is, how its idempotency key is built, which
 * amounts are valid, and the port (`LedgerStore`) through which core code moves credits.
 * Credits only move through a LedgerStore; every movement is one immutable entry.
 */
import { ErrorCodes, InvalidAmountError, PremiumbotError } from './errors.js';
import type { FanProfile } from './fan.js';

/** Why credits or pass seconds moved. */
export const LEDGER_KINDS = [
  /** Credits bought (Checkout Session or PaymentIntent). */
  'grant',
  /** Credits given by an admin. */
  'gift',
  /** A manual correction by an admin. */
  'adjust',
  /** A fan message paid with credits. */
  'spend',
  /** A premium content item unlocked with credits. */
  'unlock',
  /** Credits taken back after a Stripe refund (the rest becomes debt). */
  'refund',
  /** A refund's credits given back after the refund failed or was cancelled (debt first). */
  'refund_reversal',
  /** Pass time taken back after a refund or a lost dispute (banked, then running). */
  'pass_revoke',
  /** Credits (or pass seconds) from a later purchase used to pay off debt (or time debt). */
  'debt_settle',
  /** Pass time bought and banked. */
  'pass_grant',
  /** Banked pass time turned into a running pass. */
  'pass_start',
  /** The credits of a paid fan message that was never delivered, given back. */
  'relay_refund',
] as const;

export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Kinds that add credits. */
export type CreditGrantKind = Extract<LedgerKind, 'grant' | 'gift' | 'adjust'>;
/** Kinds that remove credits on the fan's behalf. */
export type CreditSpendKind = Extract<LedgerKind, 'spend' | 'unlock'>;

/** One immutable ledger row. */
export interface LedgerEntry {
  id: number;
  fanId: number;
  kind: LedgerKind;
  /** Change of `users.message_credits` (negative for spends and refunds). */
  creditsDelta: number;
  /** Change of `users.time_credits_seconds` (banked pass time). */
  secondsDelta: number;
  /** Change of `users.credit_debt`. */
  debtDelta: number;
  /** Change of `users.time_debt_seconds` (used pass time owed after a refund). */
  timeDebtDelta: number;
  idempotencyKey: string;
  reference: string | null;
  note: string | null;
  createdAt: Date;
}

/** A fan's cached balances (always equal to the sums of their ledger). */
export interface Balance {
  fanId: number;
  credits: number;
  /** Banked pass seconds, not yet started. */
  seconds: number;
  /** Credits owed after refunds; paid off by the next grants. */
  debt: number;
  /** Pass seconds owed after refunds (time already used); paid off by the next pass bought. */
  timeDebt: number;
  passStartedAt: Date | null;
  passEndsAt: Date | null;
  isFrozen: boolean;
}

/** What a ledger operation did. A duplicate key returns the earlier entry, unchanged. */
export interface LedgerResult {
  /** True when the key had been used before and nothing moved this time. */
  duplicate: boolean;
  entry: LedgerEntry;
  balance: Balance;
}

export interface GrantResult extends LedgerResult {
  /** Credits of this grant that went to paying off debt (recorded as a `debt_settle` entry). */
  debtSettled: number;
}

export interface TimeGrantResult extends LedgerResult {
  /** Seconds of this pass that went to paying off time debt (a `debt_settle` entry). */
  debtSettled: number;
}

export interface RefundResult extends LedgerResult {
  /** Credits actually removed from the balance. */
  removed: number;
  /** Credits that could not be removed and were added to the fan's debt. */
  addedDebt: number;
}

export interface RefundReversalResult extends LedgerResult {
  /** Credits that went back to the balance. */
  returned: number;
  /** Credits that paid off the fan's debt instead. */
  settled: number;
}

export interface PassRevokeResult extends LedgerResult {
  /** Banked (not started) seconds removed. */
  banked: number;
  /** Seconds cut from the end of the running pass. */
  running: number;
  /** Seconds that could not be taken back (already used), added to the fan's time debt. */
  used: number;
}

export interface PassStartResult extends LedgerResult {
  passStartedAt: Date;
  passEndsAt: Date;
  /** Seconds moved from the bank into the pass. */
  seconds: number;
}

/** Optional context stored with an entry. */
export interface LedgerMeta {
  /** What caused the movement (checkout session id, content id, admin update id…). */
  reference?: string;
  /** Free text for the admin history; never message contents. */
  note?: string;
}

export interface GrantMeta extends LedgerMeta {
  kind?: CreditGrantKind;
}

export interface SpendMeta extends LedgerMeta {
  kind?: CreditSpendKind;
}

/**
 * The port core code uses to move credits. `Tx` is the adapter's transaction type: passing
 * one makes the movement part of the caller's transaction (for example spending and queueing
 * the relay together); without it each call is its own transaction.
 */
export interface LedgerStore<Tx = unknown> {
  /** Creates the fan or refreshes their profile; returns their balance. */
  ensureUser(profile: FanProfile, trx?: Tx): Promise<Balance>;
  /** Adds credits; a purchase pays off debt first. */
  grantCredits(
    fanId: number,
    amount: number,
    key: string,
    meta?: GrantMeta,
    trx?: Tx,
  ): Promise<GrantResult>;
  /** Removes credits if the balance covers them, else throws InsufficientCreditsError. */
  spendCredits(
    fanId: number,
    cost: number,
    key: string,
    meta?: SpendMeta,
    trx?: Tx,
  ): Promise<LedgerResult>;
  /** Takes back up to the balance; the remainder becomes debt. */
  refundCredits(
    fanId: number,
    amount: number,
    key: string,
    meta?: LedgerMeta,
    trx?: Tx,
  ): Promise<RefundResult>;
  /**
   * Gives back what the refund entry under `refundKey` took (paying off debt first), once,
   * under `key`; null when no refund was recorded under `refundKey`.
   */
  reverseRefund(
    fanId: number,
    refundKey: string,
    key: string,
    meta?: LedgerMeta,
    trx?: Tx,
  ): Promise<RefundReversalResult | null>;
  /**
   * Takes back `seconds` of pass time: banked seconds first, then the unused rest of the
   * running pass (its end moves earlier); what was already used becomes time debt.
   */
  revokeTime(
    fanId: number,
    seconds: number,
    now: Date,
    key: string,
    meta?: LedgerMeta,
    trx?: Tx,
  ): Promise<PassRevokeResult>;
  /** Banks pass seconds bought; time debt is paid off first. */
  grantTime(
    fanId: number,
    seconds: number,
    key: string,
    meta?: LedgerMeta,
    trx?: Tx,
  ): Promise<TimeGrantResult>;
  /** Turns every banked second into a running pass (extending one still running). */
  startPass(
    fanId: number,
    now: Date,
    key: string,
    meta?: LedgerMeta,
    trx?: Tx,
  ): Promise<PassStartResult>;
  balance(fanId: number, trx?: Tx): Promise<Balance>;
  /** The sums of the fan's ledger (what the cached balance must equal). */
  sumLedger(fanId: number, trx?: Tx): Promise<LedgerSums>;
}

/** The sums of a fan's ledger columns, one per cached balance column. */
export interface LedgerSums {
  credits: number;
  seconds: number;
  debt: number;
  timeDebt: number;
}

/**
 * The largest single movement accepted. Balances are 32-bit integers in the database; a
 * cap far below that keeps any realistic sum of grants from overflowing.
 */
export const MAX_LEDGER_AMOUNT = 100_000_000;

/** Returns `value` if it is a positive safe integer no larger than MAX_LEDGER_AMOUNT. */
export function validateAmount(value: unknown, what = 'amount'): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value <= 0 ||
    value > MAX_LEDGER_AMOUNT
  ) {
    throw new InvalidAmountError(what, value);
  }
  return value;
}

const MAX_KEY_LENGTH = 255;

function keyPart(value: string | number, what: string): string {
  const text = String(value);
  const valid =
    typeof value === 'number' ? Number.isSafeInteger(value) : text !== '' && !/[\s:]/.test(text);
  if (!valid) {
    throw new PremiumbotError(
      ErrorCodes.invalidKey,
      `Invalid ${what} for an idempotency key: "${text}"`,
    );
  }
  return text;
}

function build(prefix: string, ...parts: Array<[string | number, string]>): string {
  const key = [prefix, ...parts.map(([v, what]) => keyPart(v, what))].join(':');
  if (key.length > MAX_KEY_LENGTH) {
    throw new PremiumbotError(
      ErrorCodes.invalidKey,
      `Idempotency key longer than ${MAX_KEY_LENGTH}`,
    );
  }
  return key;
}

/** Returns `key` if it can be stored as an idempotency key (non-empty, at most 255 characters). */
export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '' || key.length > MAX_KEY_LENGTH) {
    throw new PremiumbotError(
      ErrorCodes.invalidKey,
      `Invalid idempotency key: ${JSON.stringify(String(key)).slice(0, 80)}`,
    );
  }
  return key;
}

/**
 * Idempotency keys, one builder per source of a movement. The same real-world event always
 * yields the same key, so replays (webhook retries, duplicate updates) move nothing.
 */
export const ledgerKeys = {
  /** A paid Checkout Session. */
  grantCheckout: (sessionId: string) => build('grant', [sessionId, 'checkout session id']),
  /** A PaymentIntent paid outside Checkout (auto-recharge, quick-buy). */
  grantPaymentIntent: (paymentIntentId: string) =>
    build('grant', [paymentIntentId, 'payment intent id']),
  /**
   * A fan message paid with credits, keyed on the fan's chat and the message's id: unique
   * for ever, unlike update ids, which Telegram restarts.
   */
  messageSpend: (chatId: number, messageId: number) =>
    build('spend', [chatId, 'chat id'], [messageId, 'message id']),
  /**
   * The format fan message spends had before `messageSpend`, keyed on the update id. Entries
   * written with it stay valid; a redelivered update still finds its spend under it.
   */
  spend: (updateId: number) => build('spend', [updateId, 'update id']),
  /** A premium item unlocked by a fan; a fan unlocks an item once. */
  unlock: (fanId: number, itemId: number | string) =>
    build('unlock', [fanId, 'fan id'], [itemId, 'item id']),
  /** A Stripe refund (`re_…`), or a lost dispute (`dp_…`) taken back like one. */
  refund: (refundId: string) => build('refund', [refundId, 'refund id']),
  /** A Stripe refund that failed or was cancelled after its credits were taken back. */
  refundReversal: (refundId: string) => build('refund_reversal', [refundId, 'refund id']),
  /** Pass time taken back for a refund (`re_…`) or a lost dispute (`dp_…`). */
  passRevoke: (refundOrDisputeId: string) =>
    build('pass_revoke', [refundOrDisputeId, 'refund or dispute id']),
  /** An admin gift, keyed on the admin's Telegram update. */
  gift: (adminUpdateId: number) => build('gift', [adminUpdateId, 'admin update id']),
  /**
   * An admin gift from the card's gift menu, keyed on the callback query that opened the
   * menu: every tap of that menu (a double tap, two admins) is one gift.
   */
  giftFromMenu: (menuQueryId: string) => build('gift_menu', [menuQueryId, 'callback query id']),
  /** An admin correction, keyed on the admin's Telegram update. */
  adjust: (adminUpdateId: number) => build('adjust', [adminUpdateId, 'admin update id']),
  /** Pass time bought through a Checkout Session. */
  passGrantCheckout: (sessionId: string) => build('pass_grant', [sessionId, 'checkout session id']),
  /** Pass time bought through a PaymentIntent. */
  passGrantPaymentIntent: (paymentIntentId: string) =>
    build('pass_grant', [paymentIntentId, 'payment intent id']),
  /** A fan starting their banked pass with a message (chat and message id, like a spend). */
  messagePassStart: (chatId: number, messageId: number) =>
    build('pass_start', [chatId, 'chat id'], [messageId, 'message id']),
  /** The format of pass starts before `messagePassStart` (keyed on the update id). */
  passStart: (updateId: number) => build('pass_start', [updateId, 'update id']),
  /** The credits of a paid fan message given back because it was never delivered. */
  relayRefund: (spendKey: string) => validateKey(`relay_refund:${spendKey}`),
  /**
   * The debt settlement that accompanies a purchase: credits for a `grant:` key, time debt for
   * a `pass_grant:` key (the grant key's own prefix tells them apart).
   */
  debtSettle: (grantKey: string) => `settle:${grantKey}`,
} as const;

/** How a refund of `amount` credits splits given the current balance. */
export function splitRefund(
  balance: number,
  amount: number,
): { removed: number; addedDebt: number } {
  const removed = Math.min(Math.max(balance, 0), amount);
  return { removed, addedDebt: amount - removed };
}

/** How giving back `amount` refunded credits splits: debt is paid off first, the rest returns. */
export function splitReversal(debt: number, amount: number): { settled: number; returned: number } {
  const settled = Math.min(Math.max(debt, 0), amount);
  return { settled, returned: amount - settled };
}

/**
 * How revoking `seconds` of pass time splits: banked seconds first, then what is left of the
 * running pass (`runningLeft`); the rest was already used and becomes time debt.
 */
export function splitPassRevoke(
  banked: number,
  runningLeft: number,
  seconds: number,
): { banked: number; running: number; used: number } {
  const fromBank = Math.min(Math.max(banked, 0), seconds);
  const fromPass = Math.min(Math.max(runningLeft, 0), seconds - fromBank);
  return { banked: fromBank, running: fromPass, used: seconds - fromBank - fromPass };
}

/**
 * How much of a movement goes to paying off debt. Only purchases settle debt: credits bought
 * (`grant`) pay off credit debt, a pass bought (`pass_grant`) pays off time debt; gifts and
 * adjustments are deliberate admin choices and reach the balance untouched.
 */
export function debtToSettle(
  kind: CreditGrantKind | 'pass_grant',
  debt: number,
  granted: number,
): number {
  if (kind !== 'grant' && kind !== 'pass_grant') return 0;
  return Math.max(0, Math.min(debt, granted));
}
