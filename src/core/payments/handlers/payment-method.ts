/**
 * `payment_method.attached`: the fan's saved card (for quick-buy), and "card saved" to the
 * fan. `payment_method.detached` (a card removed in the billing portal): no longer offered.
 */
import type { PaymentMethodFacts } from '../events.js';
import { fanTexts } from '../texts.js';
import { notifyFan, type HandlerContext } from './context.js';

/** Stores the card attached to a fan's Stripe customer. */
export async function onCardAttached<Tx>(
  ctx: HandlerContext<Tx>,
  pm: PaymentMethodFacts,
): Promise<void> {
  if (!pm.customerId) return;
  const fanId = await ctx.store.fanByCustomer(pm.customerId, ctx.tx);
  if (fanId === null) return;
  await ctx.store.setSavedCard(
    fanId,
    { paymentMethodId: pm.paymentMethodId, brand: pm.brand, last4: pm.last4 },
    ctx.tx,
  );
  await notifyFan(ctx, fanId, `card:${pm.paymentMethodId}`, (t) =>
    fanTexts.cardSaved(t, pm.brand, pm.last4),
  );
}

/** Forgets a saved card the fan removed, so quick-buy and auto-recharge stop offering it. */
export async function onCardDetached<Tx>(
  ctx: HandlerContext<Tx>,
  pm: PaymentMethodFacts,
): Promise<void> {
  if (!pm.customerId) return;
  const fanId = await ctx.store.fanByCustomer(pm.customerId, ctx.tx);
  if (fanId === null) return;
  await ctx.store.forgetSavedCard(fanId, pm.paymentMethodId, ctx.tx);
}
