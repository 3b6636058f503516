/**
 * Quick-buy, `/buy<N>` (e.g. `/buy10`): a fan with a saved card confirms a one-tap charge; the
 * prompt writes a pending payment row whose id is the charge's idempotency key, and Confirm
 * claims the row before calling Stripe, so a double tap, a retry or a Confirm days later
 * (after Stripe's 24-hour idempotency window) charges once. Without a saved card it falls
 * back to Checkout.
 */
import type { FanProfile } from '../../fan.js';
import { describeAmount } from '../../catalog.js';
import { cardName } from '../texts.js';
import { checkout, confirmOnSession } from './checkout.js';
import { rowKeyParts } from '../install.js';
import { account, activeProduct, fanText, frozenReply, priceOf, starsButton } from './context.js';
import type { LocalProduct } from '../../catalog.js';
import { productRails } from '../rails.js';
import { starsInvoice } from './stars.js';
import type { CommandContext, CommandResult } from './context.js';
import { chargeSavedCard, needsAuthentication } from './off-session.js';

/** `/buy<amount>`: "Charge $5.00 to Visa •••• 4242 for 10 credits?" with Confirm / Cancel. */
export async function quickBuy<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  amount: number,
): Promise<CommandResult> {
  const rails = await ctx.rails();
  const products = (await ctx.store.activeProducts()).filter((p) => {
    const on = productRails(p, rails);
    return p.type === 'credits' && (on.stripe || on.stars);
  });
  const product = products.find((p) => p.amount === amount);
  if (!product) {
    const t = fanText(ctx, fan);
    const offered = products.map((p) => `/buy${p.amount}`).join(', ');
    return {
      reply: {
        text: offered
          ? t('payment.quick_buy.no_package', { amount, offered })
          : t('payment.nothing_on_sale'),
      },
    };
  }
  const on = productRails(product, rails);
  if (!on.stripe) return starsInvoice(ctx, fan, product);
  const result = await quickBuyWithCard(ctx, fan, product);
  // "⭐ 250" next to "$5.00": the Stars button under the Checkout link or the Confirm prompt.
  if (on.stars && result.reply?.buttons) {
    const t = fanText(ctx, fan);
    result.reply.buttons.push([starsButton(t, product)]);
  }
  return result;
}

/** A saved card: the Confirm prompt; otherwise Checkout. */
async function quickBuyWithCard<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  if (acct.isFrozen) return frozenReply(fanText(ctx, fan, acct));
  if (!acct.savedCard || !acct.stripeCustomerId) return checkout(ctx, fan, product);
  const row = await ctx.store.createPayment({
    fanId: fan.id,
    productId: product.id,
    source: 'quick_buy',
    currency: product.currency,
  });
  const t = fanText(ctx, fan, acct);
  return {
    reply: {
      text: t('payment.quick_buy.prompt', {
        price: priceOf(t, product),
        card: cardName(t, acct.savedCard.brand, acct.savedCard.last4),
        amount: describeAmount(product.type, product.amount, t),
      }),
      buttons: [
        [
          { text: t('payment.quick_buy.confirm_button'), callbackData: `qb:${row.id}` },
          { text: t('payment.quick_buy.cancel_button'), callbackData: `qbx:${row.id}` },
        ],
      ],
    },
  };
}

/** Confirm: charges the saved card once, ever (the row is claimed before Stripe is called). */
export async function confirmQuickBuy<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  paymentId: number,
): Promise<CommandResult> {
  const { store } = ctx;
  const t = fanText(ctx, fan);
  const row = await store.findPayment({ id: paymentId });
  if (!row || row.fanId !== fan.id || row.source !== 'quick_buy') {
    return { toast: t('payment.quick_buy.unavailable') };
  }
  if (row.status !== 'pending') {
    const key =
      row.status === 'paid'
        ? 'payment.quick_buy.already_paid'
        : 'payment.quick_buy.already_handled';
    return { toast: t(key) };
  }
  // A charge already started for this row: its webhook (or `payments reconcile`) settles it.
  if (row.paymentIntentId !== null) return { toast: t('payment.quick_buy.processing') };
  const product = row.productId === null ? null : await activeProduct(ctx, row.productId);
  const acct = await account(ctx, fan);
  if (!product || !acct.savedCard || !acct.stripeCustomerId) {
    return { toast: t('payment.quick_buy.unavailable_use_buy') };
  }
  if (acct.isFrozen) return frozenReply(t);
  if (!(await store.claimCharge(row.id))) return { toast: t('payment.quick_buy.processing') };
  const outcome = await chargeSavedCard(
    ctx,
    acct,
    product,
    { paymentId: row.id, attemptId: null },
    ['quickbuy', ...rowKeyParts(row)].join('-'),
  );
  if (outcome.paymentIntentId) {
    await store.updatePayment(
      row.id,
      { paymentIntentId: outcome.paymentIntentId },
      { onlyIfNoIntent: true },
    );
  }
  if (outcome.status === 'succeeded' || outcome.status === 'processing') {
    return { toast: t('payment.quick_buy.accepted') };
  }
  if (needsAuthentication(outcome)) return confirmOnSession(ctx, fan, product);
  return { toast: t('payment.quick_buy.declined') };
}

/** Cancel: the pending row expires unless a charge already started. */
export async function cancelQuickBuy<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  paymentId: number,
): Promise<CommandResult> {
  const row = await ctx.store.findPayment({ id: paymentId });
  if (row && row.fanId === fan.id && row.source === 'quick_buy') {
    await ctx.store.updatePayment(
      row.id,
      { status: 'expired' },
      { onlyIfStatus: 'pending', onlyIfNoIntent: true },
    );
  }
  return { toast: fanText(ctx, fan)('payment.quick_buy.canceled') };
}
