/**
 * A Telegram Stars `successful_payment`: fulfilled like a Stripe purchase (same `fulfil`:
 * ledger grant, `transactions` row, tier, receipt, sale note), keyed on Telegram's
 * `telegram_payment_charge_id`. The processor claims `tg_stars:<charge>` first, so a
 * redelivered update (same or restarted update id) is a duplicate; the grant's ledger key
 * and the row's status would stop a second grant anyway.
 */
import { STARS_CURRENCY } from '../../money.js';
import type { PurchaseMetadata, StarsPaymentFacts } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { isFulfilled } from '../rules.js';
import { encodeStarsPayload } from '../stars.js';
import { teamTexts } from '../texts.js';
import { alertOwners, fanLabel, type HandlerContext } from './context.js';
import { fulfil } from './purchase.js';

/** Grants what a Stars invoice sold, once per Telegram charge. */
export async function onStarsPaid<Tx>(
  ctx: HandlerContext<Tx>,
  payment: StarsPaymentFacts,
): Promise<void> {
  const invoice = payment.invoice;
  if (!invoice) {
    // Stars were paid for an invoice that is not ours (or whose payload we cannot read):
    // nothing to grant, but the team must know (a refund is the fix).
    const fan = await fanLabel(ctx, payment.fanId);
    alertOwners(ctx, `stars_unknown:${payment.chargeId}`, (t) =>
      teamTexts.starsUnknown(t, fan, payment.stars, payment.chargeId),
    );
    return;
  }
  await ctx.store.ensureFan(payment.fanId, ctx.tx);
  const row = await starsRow(ctx, payment);
  const product = await ctx.store.product(invoice.productId, ctx.tx);
  const purchase: PurchaseMetadata = {
    fanId: payment.fanId,
    productId: invoice.productId,
    productType: invoice.productType,
    productAmount: invoice.productAmount,
    productLabel: product?.label ?? null,
    source: 'stars',
    attemptId: null,
    paymentId: row.id,
  };
  await fulfil(ctx, row, purchase, {
    amountCents: payment.stars,
    currency: STARS_CURRENCY,
    checkoutSessionId: null,
    paymentIntentId: null,
    telegramChargeId: payment.chargeId,
  });
  if (payment.subscription) {
    // Renewals repeat the first payment's payload: with the fan, it names the subscription.
    await ctx.store.recordStarsSubscription(
      {
        fanId: payment.fanId,
        productId: invoice.productId,
        payload: encodeStarsPayload(invoice),
        chargeId: payment.chargeId,
        stars: payment.stars,
        expiresAt: new Date(payment.subscription.expiresAt * 1000),
      },
      ctx.tx,
    );
  }
}

/**
 * The payment row of a charge: the one the invoice names when it is this fan's pending Stars
 * row (or already this charge's); otherwise a row of its own — ids restart after a restore,
 * and a second payment of one invoice (two pre-checkouts racing) is a payment too.
 */
async function starsRow<Tx>(
  ctx: HandlerContext<Tx>,
  payment: StarsPaymentFacts,
): Promise<PaymentRecord> {
  const invoice = payment.invoice!;
  const own = await ctx.store.lockExisting(ctx.tx, { id: invoice.paymentId });
  const mine =
    own !== null &&
    own.fanId === payment.fanId &&
    own.source === 'stars' &&
    own.productId === invoice.productId &&
    (own.chargeId === payment.chargeId || (own.chargeId === null && !isFulfilled(own.status)));
  if (mine) return own;
  return ctx.store.createPayment(
    {
      fanId: payment.fanId,
      productId: invoice.productId,
      source: 'stars',
      currency: STARS_CURRENCY,
    },
    ctx.tx,
  );
}
