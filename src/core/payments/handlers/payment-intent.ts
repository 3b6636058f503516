/**
 * `payment_intent.succeeded` and `payment_intent.payment_failed` for quick-buy and
 * auto-recharge charges (Checkout's own PaymentIntents are left to the Checkout events).
 */
import type { PaymentIntentFacts, PurchaseMetadata } from '../events.js';
import { declineReason, isFulfilled } from '../rules.js';
import { paymentTexts } from '../texts.js';
import { notifyFan, purchaseView, type HandlerContext } from './context.js';
import { fulfil, lockPurchase } from './purchase.js';
import { countRechargeFailure } from './recharge-failures.js';

/** Grants a quick-buy or auto-recharge charge; a succeeded auto-recharge resets the failures. */
export async function onIntentSucceeded<Tx>(
  ctx: HandlerContext<Tx>,
  pi: PaymentIntentFacts,
): Promise<void> {
  const { store } = ctx;
  const purchase = pi.purchase;
  // Checkout's own PaymentIntents are fulfilled from the Checkout events.
  if (!purchase || purchase.source === 'checkout') return;
  const row = await lockPurchase(
    ctx,
    purchase,
    { paymentIntentId: pi.paymentIntentId },
    pi.currency,
  );
  await fulfil(ctx, row, purchase, {
    amountCents: pi.amountReceived || pi.amount,
    currency: pi.currency,
    checkoutSessionId: null,
    paymentIntentId: pi.paymentIntentId,
  });
  if (pi.chargeId && row.chargeId === null)
    await store.updatePayment(row.id, { chargeId: pi.chargeId }, {}, ctx.tx);
  if (purchase.source !== 'auto_recharge') return;
  const attempt = await attemptOf(ctx, purchase, pi.paymentIntentId);
  if (attempt && attempt.status !== 'succeeded') {
    await store.updateAttempt(
      attempt.id,
      { status: 'succeeded', paymentIntentId: pi.paymentIntentId, failureCode: null },
      ctx.tx,
    );
  }
  await store.setAutoRecharge(purchase.fanId, { consecutiveFailures: 0 }, ctx.tx);
}

/** Marks a declined charge failed and tells the fan why; counts an auto-recharge failure. */
export async function onIntentFailed<Tx>(
  ctx: HandlerContext<Tx>,
  pi: PaymentIntentFacts,
): Promise<void> {
  const { store } = ctx;
  const purchase = pi.purchase;
  // A decline on the Checkout page is shown to the fan there; the session stays open.
  if (!purchase || purchase.source === 'checkout') return;
  const row = await lockPurchase(
    ctx,
    purchase,
    { paymentIntentId: pi.paymentIntentId },
    pi.currency,
  );
  if (isFulfilled(row.status) || row.status === 'failed') return;
  const failure = pi.failure ?? { code: null, declineCode: null, message: null };
  const code = failure.declineCode ?? failure.code;
  await store.updatePayment(row.id, { status: 'failed', failureCode: code }, {}, ctx.tx);
  const view = purchaseView(purchase, pi.amount, pi.currency);
  const needsAuth =
    failure.code === 'authentication_required' || failure.declineCode === 'authentication_required';
  // For an authentication need, the charger sends a link to complete the payment on-session.
  if (!needsAuth) {
    notifyFan(
      ctx,
      purchase.fanId,
      `payfail:${pi.paymentIntentId}`,
      paymentTexts.chargeDeclined(view, declineReason(failure)),
    );
  }
  if (purchase.source !== 'auto_recharge') return;
  const attempt = await attemptOf(ctx, purchase, pi.paymentIntentId);
  if (attempt) {
    await store.updateAttempt(
      attempt.id,
      {
        status: needsAuth ? 'requires_action' : 'failed',
        paymentIntentId: pi.paymentIntentId,
        failureCode: code,
      },
      ctx.tx,
    );
  }
  await countRechargeFailure(ctx, purchase.fanId, pi.paymentIntentId);
}

/** The auto-recharge attempt behind a PaymentIntent: by our id in metadata, else by the intent. */
function attemptOf<Tx>(
  ctx: HandlerContext<Tx>,
  purchase: PurchaseMetadata,
  paymentIntentId: string,
) {
  return purchase.attemptId !== null
    ? ctx.store.findAttempt({ id: purchase.attemptId }, ctx.tx)
    : ctx.store.findAttempt({ paymentIntentId }, ctx.tx);
}
