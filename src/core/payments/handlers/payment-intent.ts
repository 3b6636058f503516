/**
 * `payment_intent.succeeded` and `payment_intent.payment_failed` for quick-buy and
 * auto-recharge charges (Checkout's own PaymentIntents are left to the Checkout events).
 */
import type { PaymentIntentFacts, PurchaseMetadata } from '../events.js';
import type { PaymentRecord } from '../ports.js';
import { declineReason, isFulfilled } from '../rules.js';
import { fanTexts } from '../texts.js';
import { notifyFan, purchaseView, type HandlerContext } from './context.js';
import { fulfil, lockPurchase } from './purchase.js';
import { countRechargeFailure } from './recharge-failures.js';

/** Grants a quick-buy or auto-recharge charge; a succeeded auto-recharge resets the failures. */
export const onIntentSucceeded = offSessionHandler(async (ctx, pi, { purchase, row }) => {
  const { store } = ctx;
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
});

/** Marks a declined charge failed and tells the fan why; counts an auto-recharge failure. */
export const onIntentFailed = offSessionHandler(async (ctx, pi, { purchase, row }) => {
  const { store } = ctx;
  if (isFulfilled(row.status) || row.status === 'failed') return;
  const failure = pi.failure ?? { code: null, declineCode: null, message: null };
  const code = failure.declineCode ?? failure.code;
  await store.updatePayment(row.id, { status: 'failed', failureCode: code }, {}, ctx.tx);
  const view = purchaseView(purchase, pi.amount, pi.currency);
  const needsAuth =
    failure.code === 'authentication_required' || failure.declineCode === 'authentication_required';
  // For an authentication need, the charger sends a link to complete the payment on-session.
  if (!needsAuth) {
    await notifyFan(ctx, purchase.fanId, `payfail:${pi.paymentIntentId}`, (t) =>
      fanTexts.chargeDeclined(t, view, declineReason(failure, t)),
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
});

/** A purchase and its payment row, locked until the event's transaction ends. */
interface LockedPurchase {
  purchase: PurchaseMetadata;
  row: PaymentRecord;
}

type OffSessionHandler = <Tx>(
  ctx: HandlerContext<Tx>,
  pi: PaymentIntentFacts,
  locked: LockedPurchase,
) => Promise<void>;

/**
 * Runs `handle` with the locked payment row of a quick-buy or auto-recharge PaymentIntent.
 * Checkout's own PaymentIntents are left to the Checkout events (a decline on the Checkout
 * page is shown to the fan there; the session stays open), and objects not ours are skipped.
 */
function offSessionHandler(handle: OffSessionHandler) {
  return async <Tx>(ctx: HandlerContext<Tx>, pi: PaymentIntentFacts): Promise<void> => {
    const purchase = pi.purchase;
    if (!purchase || purchase.source === 'checkout') return;
    const lookup = { paymentIntentId: pi.paymentIntentId };
    const row = await lockPurchase(ctx, purchase, lookup, pi.currency);
    await handle(ctx, pi, { purchase, row });
  };
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
