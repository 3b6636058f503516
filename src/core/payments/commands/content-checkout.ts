/**
 * A vault item bought with money: the teaser's "Pay $5.00" button makes a one-off Checkout
 * Session for the item (an inline price, our payment row first, its id in the idempotency
 * key) and answers with its link. The session's metadata names the item; the payment
 * processor delivers it once paid (handlers/content-unlock.ts).
 */
import type { ContentItem } from '../../content/items.js';
import type { FanProfile } from '../../fan.js';
import { formatMoney } from '../../money.js';
import { rowKeyParts, stripeIdempotencyKey } from '../install.js';
import { ensureCustomer } from './checkout.js';
import { account, fanText, frozenReply, purchaseMetadata } from './context.js';
import type { CommandContext, CommandResult } from './context.js';

/** The Checkout link for one vault item, or why there is none. */
export async function contentCheckout<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  item: ContentItem,
): Promise<CommandResult> {
  const t = fanText(ctx, fan);
  const { priceCents, currency } = item;
  if (!item.active || priceCents === null || !currency || !(await ctx.rails()).stripe) {
    const text = t('content.checkout.unavailable');
    return { toast: text, reply: { text } };
  }
  const acct = await account(ctx, fan);
  if (acct.isFrozen) return frozenReply(fanText(ctx, fan, acct));
  const customerId = await ensureCustomer(ctx, fan, acct);
  const row = await ctx.store.createPayment({
    fanId: fan.id,
    productId: null,
    source: 'checkout',
    currency,
  });
  const product = {
    id: 0,
    label: item.title,
    type: 'credits' as const,
    amount: item.priceCredits,
    priceCents,
    currency,
    stripeProductId: null,
    stripePriceId: null,
    active: true,
    sort: 0,
  };
  const session = await ctx.gateway.createCheckout({
    customerId,
    product,
    inlinePrice: true,
    successUrl: `${ctx.botLink}?start=paid_${row.id}`,
    cancelUrl: `${ctx.botLink}?start=cancel_${row.id}`,
    saveForOffSession: false,
    metadata: purchaseMetadata(ctx, {
      fanId: fan.id,
      productId: null,
      // Worth the item's credits price; no credits are granted for it.
      productType: 'credits',
      productAmount: item.priceCredits,
      productLabel: item.title,
      source: 'checkout',
      attemptId: null,
      paymentId: row.id,
      contentId: item.id,
    }),
    clientReferenceId: String(fan.id),
    idempotencyKey: stripeIdempotencyKey(ctx.installId, 'checkout', ...rowKeyParts(row)),
  });
  await ctx.store.updatePayment(row.id, { checkoutSessionId: session.sessionId });
  const price = formatMoney(priceCents, currency, fan.languageCode);
  return {
    reply: {
      text: t('content.checkout.intro', { title: item.title, price }),
      buttons: [[{ text: t('content.checkout.button', { price }), url: session.url }]],
    },
  };
}
