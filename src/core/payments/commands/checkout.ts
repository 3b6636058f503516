/**
 * Buying with Stripe Checkout: the package menu, a product button (`buy:<id>`), and the
 * Checkout link sent when a saved card cannot be charged without the fan.
 */
import type { FanProfile } from '../../fan.js';
import { describeAmount, type LocalProduct } from '../../catalog.js';
import { translateFirst, type Translate } from '../../templates.js';
import { rowKeyParts, stripeIdempotencyKey } from '../install.js';
import type { PaymentFan, ReplyButton } from '../ports.js';
import { fanTexts, labelRepeatsAmount } from '../texts.js';
import {
  account,
  activeProduct,
  fanText,
  frozenReply,
  priceOf,
  productButtons,
  purchaseMetadata,
} from './context.js';
import { starsInvoice, starsProduct } from './stars.js';
import type { CommandContext, CommandResult } from './context.js';

/** "Choose a package:" with one row per product on sale: "$5.00" and/or "⭐ 250" (per rails). */
export async function buyMenu<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
): Promise<CommandResult> {
  const t = fanText(ctx, fan);
  const rails = await ctx.rails();
  const buttons: ReplyButton[][] = (await ctx.store.activeProducts())
    .map((p) => productButtons(t, p, rails))
    .filter((row) => row.length > 0);
  if (buttons.length === 0) return { reply: { text: t('payment.nothing_on_sale') } };
  return { reply: { text: t('payment.buy.title'), buttons } };
}

/**
 * A product button: its Checkout link, or the menu again when it is no longer on sale. With
 * the Stripe rail off (a menu sent before), a product sold for Stars gets its invoice.
 */
export async function buy<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  productId: number,
): Promise<CommandResult> {
  const product = (await ctx.rails()).stripe ? await activeProduct(ctx, productId) : null;
  if (!product) {
    const forStars = await starsProduct(ctx, productId);
    if (forStars) return starsInvoice(ctx, fan, forStars);
    const menu = await buyMenu(ctx, fan);
    return { toast: fanText(ctx, fan)('payment.package_unavailable'), reply: menu.reply };
  }
  return checkout(ctx, fan, product);
}

/** A Checkout link for a charge the bank wants the fan to confirm on-session. */
export function confirmOnSession<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
): Promise<CommandResult> {
  const view = {
    label: product.label,
    type: product.type,
    amount: product.amount,
    amountCents: product.priceCents,
    currency: product.currency,
  };
  return checkout(ctx, fan, product, (t) => fanTexts.confirmOnSession(t, view));
}

/** Creates a Checkout Session (expiring older open ones for the same product) and its button. */
export async function checkout<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
  intro?: (t: Translate) => string,
): Promise<CommandResult> {
  const { store } = ctx;
  const acct = await account(ctx, fan);
  if (acct.isFrozen) return frozenReply(fanText(ctx, fan, acct));
  const customerId = await ensureCustomer(ctx, fan, acct);
  await expireOpenCheckouts(ctx, fan.id, product.id);
  const row = await store.createPayment({
    fanId: fan.id,
    productId: product.id,
    source: 'checkout',
    currency: product.currency,
  });
  const session = await ctx.gateway.createCheckout({
    customerId,
    product,
    // The bot's /start reads `paid_…` / `cancel_…` (deep-link payloads: [A-Za-z0-9_-], ≤ 64).
    successUrl: `${ctx.botLink}?start=paid_${row.id}`,
    cancelUrl: `${ctx.botLink}?start=cancel_${row.id}`,
    saveForOffSession: acct.autoRecharge.enabled,
    metadata: purchaseMetadata(ctx, {
      fanId: fan.id,
      productId: product.id,
      productType: product.type,
      productAmount: product.amount,
      productLabel: product.label,
      source: 'checkout',
      attemptId: null,
      paymentId: row.id,
    }),
    clientReferenceId: String(fan.id),
    idempotencyKey: stripeIdempotencyKey(ctx.installId, 'checkout', ...rowKeyParts(row)),
  });
  await store.updatePayment(row.id, { checkoutSessionId: session.sessionId });
  const t = fanText(ctx, fan, acct);
  const price = priceOf(t, product);
  const text = intro ? intro(t) : checkoutIntro(t, product, price);
  return {
    reply: {
      text,
      buttons: [[{ text: t('payment.checkout.pay_button', { price }), url: session.url }]],
    },
  };
}

/** The fan's Stripe customer, created on the first purchase (one per fan, idempotent). */
export async function ensureCustomer<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  acct: PaymentFan,
): Promise<string> {
  if (acct.stripeCustomerId) return acct.stripeCustomerId;
  const name = [fan.firstName, fan.lastName].filter(Boolean).join(' ') || null;
  const created = await ctx.gateway.createCustomer(
    { id: fan.id, name, username: fan.username ?? null },
    stripeIdempotencyKey(ctx.installId, 'customer', fan.id),
  );
  return ctx.store.setCustomer(fan.id, created);
}

/** Older open sessions of the fan for the product are expired, so only the newest can be paid. */
async function expireOpenCheckouts<Tx>(
  ctx: CommandContext<Tx>,
  fanId: number,
  productId: number,
): Promise<void> {
  for (const old of await ctx.store.openCheckouts(fanId, productId)) {
    if (old.checkoutSessionId) {
      try {
        await ctx.gateway.expireCheckout(old.checkoutSessionId);
      } catch (err) {
        ctx.logger.warn(
          { err, session: old.checkoutSessionId },
          'could not expire an older Checkout Session',
        );
        continue;
      }
    }
    await ctx.store.updatePayment(old.id, { status: 'expired' }, { onlyIfStatus: 'pending' });
  }
}

/** "Gold pack: 10 credits for $5.00." — without the label when it only repeats the amount. */
function checkoutIntro(t: Translate, product: LocalProduct, price: string): string {
  const amount = describeAmount(product.type, product.amount, t);
  const english = describeAmount(product.type, product.amount);
  const keys =
    labelRepeatsAmount(product.label, amount) || labelRepeatsAmount(product.label, english)
      ? ['payment.checkout.intro_plain', 'payment.checkout.intro']
      : ['payment.checkout.intro'];
  return translateFirst(t, keys, { label: product.label, amount, price });
}
