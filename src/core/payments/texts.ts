/**
 * What fans and admins read about payments, rendered from the message templates (`payment.*`
 * keys of `templates/messages/<locale>.yaml`): a fan's texts in the fan's language, the
 * team's notes in the admin language. Amounts, labels and names are template values, and
 * texts are sent without a parse mode, so nothing in them is ever read as markup.
 */
import { describeAmount } from '../catalog.js';
import { formatMoney } from '../money.js';
import { translateFirst, type Translate } from '../templates.js';
import type { PaymentSource } from './events.js';

export interface BalanceView {
  credits: number;
  seconds: number;
  debt: number;
  /** Pass seconds owed (used time of a refunded pass); left out where nothing shows it. */
  timeDebt?: number;
}

/** "12 credits", plus banked time and what is owed (credits, pass time) when there is any. */
export function describeBalance(t: Translate, balance: BalanceView): string {
  const credits = describeAmount('credits', balance.credits, t);
  const text =
    balance.seconds > 0
      ? t('payment.balance.with_time', {
          credits,
          time: describeAmount('time', balance.seconds, t),
        })
      : credits;
  const timeDebt = balance.timeDebt ?? 0;
  const owed = [
    balance.debt > 0 ? describeAmount('credits', balance.debt, t) : null,
    timeDebt > 0
      ? t('payment.balance.time_owed', { time: describeAmount('time', timeDebt, t) })
      : null,
  ].filter((part): part is string => part !== null);
  if (owed.length === 0) return text;
  return t('payment.balance.owing', { balance: text, debt: owed.join(', ') });
}

/** "Visa •••• 4242". */
export function cardName(t: Translate, brand: string | null, last4: string | null): string {
  const name = brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : t('payment.card.unnamed');
  return last4 ? t('payment.card.number', { brand: name, last4 }) : name;
}

export interface PurchaseView {
  label: string;
  type: 'credits' | 'time';
  amount: number;
  amountCents: number;
  currency: string;
}

/** A sale as the fan's card shows it: what was bought, and through what. */
export interface SaleView {
  purchase: PurchaseView;
  source: PaymentSource;
}

/** A refunded or disputed amount. */
export interface MoneyView {
  amountCents: number;
  currency: string;
}

/** True when a product's label only repeats its amount ("10 credits" for 10 credits). */
export function labelRepeatsAmount(label: string, amountText: string): boolean {
  return label.trim().toLowerCase() === amountText.trim().toLowerCase();
}

/** "10 credits" / "1 hour": what was bought. */
function what(p: PurchaseView, t?: Translate): string {
  return describeAmount(p.type, p.amount, t);
}

/** True when the label only repeats the amount, in the reader's words or in English. */
function labelIsAmount(p: PurchaseView, t: Translate): boolean {
  return labelRepeatsAmount(p.label, what(p, t)) || labelRepeatsAmount(p.label, what(p));
}

/** "$5.00" / "¥500" / "12,50 €": what was paid, refunded or disputed, in the reader's locale. */
function moneyOf(t: Translate, money: MoneyView): string {
  return formatMoney(money.amountCents, money.currency, t.locale);
}

/** A text of several lines; the optional ones (null, or a template left empty) are left out. */
function lines(...parts: (string | null)[]): string {
  return parts.filter(Boolean).join('\n');
}

/** "5 credits went to the balance you owed." / "45 minutes went to the pass time you owed." */
function settledLine(t: Translate, p: PurchaseView, settled: number): string {
  return p.type === 'time'
    ? t('payment.receipt.time_settled', { time: describeAmount('time', settled, t) })
    : t('payment.receipt.settled', { credits: describeAmount('credits', settled, t) });
}

/** The fan's texts about payments; `t` translates into the fan's language. */
export const fanTexts = {
  /** `settled`: what of the purchase paid off debt, in its own unit (credits, or seconds). */
  receipt: (
    t: Translate,
    p: PurchaseView,
    balance: BalanceView,
    settled: number,
    source?: PaymentSource,
  ) =>
    lines(
      t(source === 'auto_recharge' ? 'payment.receipt.title_automatic' : 'payment.receipt.title'),
      translateFirst(
        t,
        labelIsAmount(p, t)
          ? ['payment.receipt.item_plain', 'payment.receipt.item']
          : ['payment.receipt.item'],
        { label: p.label, amount: what(p, t), price: moneyOf(t, p) },
      ),
      settled > 0 ? settledLine(t, p, settled) : null,
      t('payment.your_balance', { balance: describeBalance(t, balance) }),
      source === 'auto_recharge' ? t('payment.receipt.automatic_off') : null,
    ),
  paymentProcessing: (t: Translate, p: PurchaseView) =>
    t('payment.processing', { amount: what(p, t) }),
  asyncFailed: (t: Translate, p: PurchaseView) => t('payment.async_failed', { amount: what(p, t) }),
  chargeDeclined: (t: Translate, p: PurchaseView, reason: string) =>
    t('payment.declined', { amount: what(p, t), reason }),
  confirmOnSession: (t: Translate, p: PurchaseView) =>
    t('payment.confirm_on_session', { amount: what(p, t), price: moneyOf(t, p) }),
  cardSaved: (t: Translate, brand: string | null, last4: string | null) =>
    t('payment.card_saved', { card: cardName(t, brand, last4) }),
  refund: (
    t: Translate,
    refunded: MoneyView,
    credits: number,
    balance: BalanceView,
    addedDebt: number,
  ) =>
    lines(
      t('payment.refund.title', { refunded: moneyOf(t, refunded) }),
      credits > 0
        ? t('payment.refund.removed', { credits: describeAmount('credits', credits, t) })
        : null,
      addedDebt > 0
        ? t('payment.refund.debt', { credits: describeAmount('credits', addedDebt, t) })
        : null,
      t('payment.your_balance', { balance: describeBalance(t, balance) }),
    ),
  rechargeDisabled: (t: Translate, failures: number) =>
    t('payment.recharge_disabled', { failures }),
  refundReversed: (t: Translate, credits: number, balance: BalanceView) =>
    lines(
      t('payment.refund.reversed', { credits: describeAmount('credits', credits, t) }),
      t('payment.your_balance', { balance: describeBalance(t, balance) }),
    ),
  passRevoked: (
    t: Translate,
    refunded: MoneyView,
    removed: number,
    used: number,
    balance: BalanceView,
  ) =>
    lines(
      t('payment.refund.title', { refunded: moneyOf(t, refunded) }),
      removed > 0
        ? t('payment.refund.time_removed', { time: describeAmount('time', removed, t) })
        : null,
      used > 0 ? t('payment.refund.time_used', { time: describeAmount('time', used, t) }) : null,
      t('payment.your_balance', { balance: describeBalance(t, balance) }),
    ),
} as const;

/** How the team reads a payment's source. */
const SOURCE_KEYS: Record<PaymentSource, string> = {
  checkout: 'payment.source.checkout',
  quick_buy: 'payment.source.quick_buy',
  auto_recharge: 'payment.source.auto_recharge',
  stars: 'payment.source.stars',
};

/** The team's notes and alerts about payments; `t` translates into the admin language. */
export const teamTexts = {
  saleNote: (
    t: Translate,
    p: PurchaseView,
    source: PaymentSource,
    total: MoneyView,
    tier: string,
  ) =>
    translateFirst(
      t,
      labelIsAmount(p, t)
        ? ['payment.note.sale_plain', 'payment.note.sale']
        : ['payment.note.sale'],
      {
        label: p.label,
        amount: what(p, t),
        price: moneyOf(t, p),
        source: t(SOURCE_KEYS[source]),
        total: moneyOf(t, total),
        tier,
      },
    ),
  /** The card's "Latest purchase" value: "10 credits — $5.00 via Checkout". */
  cardPurchase: (t: Translate, sale: SaleView) =>
    translateFirst(
      t,
      labelIsAmount(sale.purchase, t)
        ? ['capacity.card.purchase_plain', 'capacity.card.purchase']
        : ['capacity.card.purchase'],
      {
        label: sale.purchase.label,
        amount: what(sale.purchase, t),
        price: moneyOf(t, sale.purchase),
        source: t(SOURCE_KEYS[sale.source]),
      },
    ),
  refundNote: (t: Translate, refunded: MoneyView, credits: number, addedDebt: number) =>
    t(addedDebt > 0 ? 'payment.note.refund_with_debt' : 'payment.note.refund', {
      refunded: moneyOf(t, refunded),
      credits: describeAmount('credits', credits, t),
      debt: describeAmount('credits', addedDebt, t),
    }),
  disputeOpened: (t: Translate, fan: string, disputed: MoneyView, reason: string) =>
    t('payment.note.dispute_opened', { fan, amount: moneyOf(t, disputed), reason }),
  disputeWon: (t: Translate, fan: string, disputed: MoneyView, unfrozen: boolean) =>
    t(unfrozen ? 'payment.note.dispute_won' : 'payment.note.dispute_won_still_frozen', {
      fan,
      amount: moneyOf(t, disputed),
    }),
  disputeLost: (t: Translate, fan: string, disputed: MoneyView, credits: number) =>
    t('payment.note.dispute_lost', {
      fan,
      amount: moneyOf(t, disputed),
      credits: describeAmount('credits', credits, t),
    }),
  rechargeDisabledAdmin: (t: Translate, fan: string, failures: number) =>
    t('payment.note.recharge_disabled', { fan, failures }),
  refundReversedNote: (t: Translate, chargeId: string, credits: number) =>
    t('payment.note.refund_reversed', {
      charge: chargeId,
      credits: describeAmount('credits', credits, t),
    }),
  passRevokedNote: (t: Translate, money: MoneyView, removed: number, used: number) =>
    t('payment.note.pass_revoked', {
      amount: moneyOf(t, money),
      time: describeAmount('time', removed, t),
      used: describeAmount('time', used, t),
    }),
  starsUnknown: (t: Translate, fan: string, stars: number, chargeId: string) =>
    t('payment.note.stars_unknown', {
      fan,
      amount: moneyOf(t, { amountCents: stars, currency: 'xtr' }),
      charge: chargeId,
    }),
  foreignCharge: (t: Translate, what: 'refund' | 'dispute', chargeId: string, money: MoneyView) =>
    t(what === 'refund' ? 'payment.note.foreign_refund' : 'payment.note.foreign_dispute', {
      charge: chargeId,
      amount: moneyOf(t, money),
    }),
} as const;
