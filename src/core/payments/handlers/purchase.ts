/**
 * A purchase's payment row and its fulfilment, shared by the Checkout and PaymentIntent
 * handlers. Fulfilment is keyed on the Checkout Session or PaymentIntent id (the ledger key
 * and the locked row), so two events about one payment grant once whatever their order.
 */
import { ledgerKeys, type Balance } from '../../ledger.js';
import type { PurchaseMetadata } from '../events.js';
import type { NewPayment, PaymentPatch, PaymentRecord } from '../ports.js';
import { isFulfilled } from '../rules.js';
import { starsGrantKey } from '../stars.js';
import { fanTexts, teamTexts } from '../texts.js';
import { noteTopic, notifyFan, purchaseView, type HandlerContext } from './context.js';

/** The Stripe object a purchase is known by. */
export type PurchaseLookup = { checkoutSessionId: string } | { paymentIntentId: string };

/** What Stripe says was paid. */
export interface PaidAmount {
  amountCents: number;
  currency: string;
  checkoutSessionId: string | null;
  paymentIntentId: string | null;
  /** A Telegram Stars payment's `telegram_payment_charge_id` (the grant is keyed on it). */
  telegramChargeId?: string | null;
}

/** The payment row of a purchase: ours by id when metadata names it, else by the Stripe id. */
export async function lockPurchase<Tx>(
  ctx: HandlerContext<Tx>,
  purchase: PurchaseMetadata,
  lookup: PurchaseLookup,
  currency: string,
): Promise<PaymentRecord> {
  const { store } = ctx;
  await store.ensureFan(purchase.fanId, ctx.tx);
  if (purchase.paymentId !== null) {
    const own = await store.lockExisting(ctx.tx, { id: purchase.paymentId });
    if (own && isSamePayment(own, purchase, lookup)) return linkStripeIds(ctx, own, lookup);
  }
  const init: NewPayment = {
    fanId: purchase.fanId,
    productId: purchase.productId,
    source: purchase.source,
    currency,
  };
  return store.lockPayment(ctx.tx, lookup, init);
}

/**
 * The row metadata names is this payment's unless it says otherwise: ids restart after a
 * restore, so a row of another fan, source or product, or one already tied to another session
 * or PaymentIntent, is a different payment that reuses the id.
 */
function isSamePayment(
  own: PaymentRecord,
  purchase: PurchaseMetadata,
  lookup: PurchaseLookup,
): boolean {
  if (own.fanId !== purchase.fanId || own.source !== purchase.source) return false;
  if (own.productId !== null && purchase.productId !== null && own.productId !== purchase.productId)
    return false;
  if ('checkoutSessionId' in lookup) {
    return own.checkoutSessionId === null || own.checkoutSessionId === lookup.checkoutSessionId;
  }
  return own.paymentIntentId === null || own.paymentIntentId === lookup.paymentIntentId;
}

/** Stores the Stripe id our own row does not know yet. */
async function linkStripeIds<Tx>(
  ctx: HandlerContext<Tx>,
  own: PaymentRecord,
  lookup: PurchaseLookup,
): Promise<PaymentRecord> {
  const patch: PaymentPatch = {};
  if ('checkoutSessionId' in lookup && own.checkoutSessionId === null)
    patch.checkoutSessionId = lookup.checkoutSessionId;
  if ('paymentIntentId' in lookup && own.paymentIntentId === null)
    patch.paymentIntentId = lookup.paymentIntentId;
  if (Object.keys(patch).length === 0) return own;
  await ctx.store.updatePayment(own.id, patch, {}, ctx.tx);
  return { ...own, ...patch };
}

/**
 * Grants what was bought (once), marks the row paid, and queues the receipt and sale note
 * (`notice.sale`: not sent when the topic it opens shows the purchase on its card).
 */
export async function fulfil<Tx>(
  ctx: HandlerContext<Tx>,
  row: PaymentRecord,
  purchase: PurchaseMetadata,
  paid: PaidAmount,
): Promise<void> {
  if (isFulfilled(row.status)) return;
  const fanId = purchase.fanId;
  const reference =
    paid.checkoutSessionId ?? paid.paymentIntentId ?? paid.telegramChargeId ?? String(row.id);
  const { balance, settled } = await grant(ctx, purchase, paid, reference);
  await ctx.store.updatePayment(
    row.id,
    {
      status: 'paid',
      amountPaidCents: paid.amountCents,
      currency: paid.currency,
      creditsGranted: purchase.productType === 'credits' ? purchase.productAmount : 0,
      secondsGranted: purchase.productType === 'time' ? purchase.productAmount : 0,
      ...(paid.paymentIntentId && row.paymentIntentId === null
        ? { paymentIntentId: paid.paymentIntentId }
        : {}),
      ...(paid.telegramChargeId ? { chargeId: paid.telegramChargeId } : {}),
      failureCode: null,
    },
    {},
    ctx.tx,
  );
  const spend = await ctx.store.refreshSpend(fanId, ctx.thresholds, ctx.tx);
  const view = purchaseView(purchase, paid.amountCents, paid.currency);
  if (ctx.receipts) {
    const { credits, seconds, debt, timeDebt } = balance;
    const left = { credits, seconds, debt, timeDebt };
    await notifyFan(ctx, fanId, `receipt:${reference}`, (t) =>
      fanTexts.receipt(t, view, left, settled, purchase.source),
    );
  }
  // Folded into the card when it is what opens the fan's topic (the card then shows it).
  noteTopic(
    ctx,
    fanId,
    `sale:${reference}`,
    (t) =>
      teamTexts.saleNote(
        t,
        view,
        purchase.source,
        { amountCents: spend.totalSpentCents, currency: spend.currency },
        spend.tier,
      ),
    'notice.sale',
  );
}

/**
 * The ledger movement of a purchase: credits (paying off debt first) or banked pass time
 * (paying off time debt first); `settled` is in the purchase's own unit.
 */
async function grant<Tx>(
  ctx: HandlerContext<Tx>,
  purchase: PurchaseMetadata,
  paid: PaidAmount,
  reference: string,
): Promise<{ balance: Balance; settled: number }> {
  const { fanId, productAmount: amount } = purchase;
  const key = grantKey(purchase, paid);
  const meta = {
    reference,
    note: `${purchase.source}: ${purchase.productLabel ?? purchase.productType}`,
  };
  if (purchase.productType === 'time') {
    const result = await ctx.ledger.grantTime(fanId, amount, key, meta, ctx.tx);
    return { balance: result.balance, settled: result.duplicate ? 0 : result.debtSettled };
  }
  const result = await ctx.ledger.grantCredits(fanId, amount, key, meta, ctx.tx);
  return { balance: result.balance, settled: result.duplicate ? 0 : result.debtSettled };
}

/**
 * The ledger key of a purchase: keyed on the Checkout Session, else on the PaymentIntent, and
 * a Stars purchase on Telegram's charge id.
 */
function grantKey(purchase: PurchaseMetadata, paid: PaidAmount): string {
  if (paid.telegramChargeId) return starsGrantKey(paid.telegramChargeId, purchase.productType);
  const session = paid.checkoutSessionId;
  const intent = paid.paymentIntentId!;
  if (purchase.productType === 'credits') {
    return session ? ledgerKeys.grantCheckout(session) : ledgerKeys.grantPaymentIntent(intent);
  }
  return session
    ? ledgerKeys.passGrantCheckout(session)
    : ledgerKeys.passGrantPaymentIntent(intent);
}
