/**
 * `checkout.session.completed`, `…async_payment_succeeded` and `…async_payment_failed`:
 * a paid session grants (once), an unpaid one (a bank debit still settling) tells the fan
 * it is processing, a failed one is marked failed and the fan told.
 */
import type { CheckoutSessionFacts } from '../events.js';
import { isFulfilled } from '../rules.js';
import { fanTexts } from '../texts.js';
import { notifyFan, purchaseView, type HandlerContext } from './context.js';
import { fulfilContent } from './content-unlock.js';
import { fulfil, lockPurchase } from './purchase.js';

/** Which of the three Checkout events arrived. */
export type CheckoutOutcome = 'completed' | 'succeeded' | 'failed';

/** Applies one Checkout event to the session's payment. */
export async function onCheckout<Tx>(
  ctx: HandlerContext<Tx>,
  outcome: CheckoutOutcome,
  s: CheckoutSessionFacts,
): Promise<void> {
  const { store } = ctx;
  const purchase = s.purchase;
  if (!purchase || purchase.source !== 'checkout') return;
  const row = await lockPurchase(ctx, purchase, { checkoutSessionId: s.sessionId }, s.currency);
  if (s.paymentIntentId && row.paymentIntentId === null) {
    await store.updatePayment(row.id, { paymentIntentId: s.paymentIntentId }, {}, ctx.tx);
    row.paymentIntentId = s.paymentIntentId;
  }
  const view = purchaseView(purchase, s.amountTotal, s.currency);
  const paid =
    outcome === 'succeeded' ||
    (outcome === 'completed' &&
      (s.paymentStatus === 'paid' || s.paymentStatus === 'no_payment_required'));
  if (paid) {
    const fulfilPurchase = purchase.contentId ? fulfilContent : fulfil;
    await fulfilPurchase(ctx, row, purchase, {
      amountCents: s.amountTotal,
      currency: s.currency,
      checkoutSessionId: s.sessionId,
      paymentIntentId: s.paymentIntentId,
    });
    return;
  }
  if (isFulfilled(row.status) || row.status === 'failed') return;
  if (outcome === 'completed') {
    await notifyFan(ctx, purchase.fanId, `processing:${s.sessionId}`, (t) =>
      fanTexts.paymentProcessing(t, view),
    );
    return;
  }
  await store.updatePayment(row.id, { status: 'failed' }, {}, ctx.tx);
  await notifyFan(ctx, purchase.fanId, `failed:${s.sessionId}`, (t) =>
    fanTexts.asyncFailed(t, view),
  );
}
