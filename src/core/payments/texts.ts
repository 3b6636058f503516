/**
 * What fans and admins read about payments. Plain text (sent without a parse mode), so
 * names and labels never need escaping.
 */
import { describeAmount } from '../catalog.js';
import { formatMoney } from '../money.js';

export interface BalanceView {
  credits: number;
  seconds: number;
  debt: number;
}

/** "12 credits", plus banked time and debt when there are any. */
export function describeBalance(balance: BalanceView): string {
  const parts = [describeAmount('credits', balance.credits)];
  if (balance.seconds > 0) parts.push(`${describeAmount('time', balance.seconds)} of chat time`);
  let text = parts.join(' and ');
  if (balance.debt > 0) text += ` (owing ${describeAmount('credits', balance.debt)})`;
  return text;
}

export interface PurchaseView {
  label: string;
  type: 'credits' | 'time';
  amount: number;
  amountCents: number;
  currency: string;
}

function what(p: PurchaseView): string {
  return describeAmount(p.type, p.amount);
}

export const paymentTexts = {
  receipt: (p: PurchaseView, balance: BalanceView, settled: number) =>
    [
      `✅ Payment received — thank you!`,
      `${p.label}: ${what(p)} for ${formatMoney(p.amountCents, p.currency)}.`,
      settled > 0 ? `${describeAmount('credits', settled)} went to the balance you owed.` : null,
      `Your balance: ${describeBalance(balance)}.`,
    ]
      .filter(Boolean)
      .join('\n'),
  saleNote: (p: PurchaseView, source: string, totalSpentCents: number, tier: string) =>
    `💰 Sale: ${p.label} (${what(p)}) — ${formatMoney(p.amountCents, p.currency)} via ${source.replace('_', '-')}. ` +
    `Total spent ${formatMoney(totalSpentCents, p.currency)}, tier ${tier}.`,
  paymentProcessing: (p: PurchaseView) =>
    `⏳ Your payment for ${what(p)} is being processed by your bank. Your credits arrive as soon as it clears.`,
  asyncFailed: (p: PurchaseView) =>
    `❌ Your bank did not complete the payment for ${what(p)}. Nothing was charged. Try again with /buy.`,
  chargeDeclined: (p: PurchaseView, reason: string) =>
    `❌ We could not charge your card for ${what(p)}: ${reason}. No credits were added.\n` +
    `Update your card with /billing, then try again.`,
  confirmOnSession: (p: PurchaseView) =>
    `🔐 Your bank wants you to confirm the payment for ${what(p)} (${formatMoney(p.amountCents, p.currency)}). Tap the button to complete it.`,
  cardSaved: (brand: string | null, last4: string | null) =>
    `💳 Card saved: ${cardName(brand, last4)}. Next time, /buy<amount> (for example /buy10) charges it with one tap.`,
  refund: (
    amountCents: number,
    currency: string,
    credits: number,
    balance: BalanceView,
    addedDebt: number,
  ) =>
    [
      `↩️ You were refunded ${formatMoney(amountCents, currency)}.`,
      credits > 0 ? `${describeAmount('credits', credits)} were removed.` : null,
      addedDebt > 0
        ? `${describeAmount('credits', addedDebt)} had already been used; they will be taken from your next purchase.`
        : null,
      `Your balance: ${describeBalance(balance)}.`,
    ]
      .filter(Boolean)
      .join('\n'),
  refundNote: (amountCents: number, currency: string, credits: number, addedDebt: number) =>
    `↩️ Refund of ${formatMoney(amountCents, currency)}: ${describeAmount('credits', credits)} removed` +
    (addedDebt > 0 ? `, ${describeAmount('credits', addedDebt)} recorded as debt.` : '.'),
  disputeOpened: (fanId: number, amountCents: number, currency: string, reason: string) =>
    `🚨 Dispute opened by fan ${fanId}'s bank: ${formatMoney(amountCents, currency)} (${reason}). ` +
    'The fan is frozen (cannot spend) until it closes. Answer it in the Stripe Dashboard.',
  disputeWon: (fanId: number, amountCents: number, currency: string, unfrozen: boolean) =>
    `✅ Dispute of ${formatMoney(amountCents, currency)} for fan ${fanId} was won.` +
    (unfrozen
      ? ' The fan can spend again.'
      : ' Another dispute is still open; the fan stays frozen.'),
  disputeLost: (fanId: number, amountCents: number, currency: string, credits: number) =>
    `❌ Dispute of ${formatMoney(amountCents, currency)} for fan ${fanId} was lost; ` +
    `${describeAmount('credits', credits)} removed. The fan stays frozen; unfreeze them from the admin panel if you wish.`,
  rechargeDisabled: (failures: number) =>
    `⚠️ Auto-recharge is now off after ${failures} failed charges. Update your card with /billing and turn it back on with /autorecharge.`,
  rechargeDisabledAdmin: (fanId: number, failures: number) =>
    `⚠️ Auto-recharge turned off for fan ${fanId} after ${failures} consecutive failed charges.`,
} as const;

/** "Visa •••• 4242". */
export function cardName(brand: string | null, last4: string | null): string {
  const name = brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : 'Card';
  return last4 ? `${name} •••• ${last4}` : name;
}
