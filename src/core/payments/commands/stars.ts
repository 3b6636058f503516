/**
 * Buying with Telegram Stars: a `stars:<productId>` button (or `/buy<N>` when Stars are the
 * only rail) writes a pending `transactions` row first, then answers with an invoice in XTR
 * whose payload names that row; the pre-checkout that follows the fan's Pay is answered from
 * the database alone (Telegram waits 10 s). The payment itself is fulfilled by the processor
 * (`handlers/stars.ts`) when Telegram sends `successful_payment`.
 */
import { describeAmount, type LocalProduct } from '../../catalog.js';
import type { FanProfile } from '../../fan.js';
import { STARS_CURRENCY } from '../../money.js';
import type { Translate } from '../../templates.js';
import { STARS_SUBSCRIPTION_PERIOD, isStarsPrice, isStarsSubscription } from '../rails.js';
import {
  decidePreCheckout,
  decodeStarsPayload,
  encodeStarsPayload,
  type PreCheckoutRefusal,
} from '../stars.js';
import { account, fanText, type CommandContext, type CommandResult } from './context.js';

export type { StarsInvoice } from './context.js';

/** A pre_checkout_query as the rules see it. */
export interface PreCheckoutQuery {
  fan: FanProfile;
  currency: string;
  totalAmount: number;
  payload: string;
}

/** The answer to a pre-checkout: ok, or a refusal with the text Telegram shows the fan. */
export type PreCheckoutAnswer =
  { ok: true } | { ok: false; errorMessage: string; reason: PreCheckoutRefusal };

/** A product on sale for Stars right now (active, priced in Stars, the Stars rail on). */
export async function starsProduct<Tx>(
  ctx: CommandContext<Tx>,
  productId: number,
): Promise<LocalProduct | null> {
  const product = await ctx.store.product(productId);
  if (!product || !product.active || !isStarsPrice(product.stars)) return null;
  return (await ctx.rails()).stars ? product : null;
}

/** A `stars:<id>` button: the invoice, or the refusal (frozen, banned, no longer on sale). */
export async function buyWithStars<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  productId: number,
): Promise<CommandResult> {
  const product = await starsProduct(ctx, productId);
  if (!product) {
    const t = fanText(ctx, fan);
    return {
      toast: t('payment.package_unavailable'),
      reply: { text: t('payment.package_unavailable') },
    };
  }
  return starsInvoice(ctx, fan, product);
}

/** Writes the pending row, then the invoice that carries its id. */
export async function starsInvoice<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  product: LocalProduct,
): Promise<CommandResult> {
  const acct = await account(ctx, fan);
  const t = fanText(ctx, fan, acct);
  if (acct.isBanned) return { toast: t('payment.stars.refused.banned') };
  if (acct.isFrozen) return { reply: { text: t('payment.frozen') }, toast: t('payment.frozen') };
  const stars = product.stars!;
  const row = await ctx.store.createPayment({
    fanId: fan.id,
    productId: product.id,
    source: 'stars',
    currency: STARS_CURRENCY,
  });
  const amount = describeAmount(product.type, product.amount, t);
  return {
    invoice: {
      title: clip(product.label, 32),
      description: clip(t('payment.stars.invoice_description', { amount }), 255),
      payload: encodeStarsPayload({
        paymentId: row.id,
        productId: product.id,
        productType: product.type,
        productAmount: product.amount,
        stars,
      }),
      priceLabel: clip(amount, 32),
      stars,
      ...(isStarsSubscription(product)
        ? {
            subscriptionPeriod: STARS_SUBSCRIPTION_PERIOD,
            linkMessage: {
              text: t('payment.stars.subscription.offer', { label: product.label, stars }),
              button: t('payment.stars.subscription.button', { stars }),
            },
          }
        : {}),
    },
  };
}

/** Checks a pre-checkout against the database; never calls Telegram or Stripe. */
export async function answerPreCheckout<Tx>(
  ctx: CommandContext<Tx>,
  query: PreCheckoutQuery,
): Promise<PreCheckoutAnswer> {
  const invoice = decodeStarsPayload(query.payload);
  const row = invoice ? await ctx.store.findPayment({ id: invoice.paymentId }) : null;
  const [product, fan, rails] = await Promise.all([
    invoice ? ctx.store.product(invoice.productId) : Promise.resolve(null),
    ctx.store.fan(query.fan.id),
    ctx.rails(),
  ]);
  const decision = decidePreCheckout({
    fanId: query.fan.id,
    currency: query.currency,
    totalAmount: query.totalAmount,
    invoice,
    row,
    product,
    fan,
    starsOn: rails.stars,
  });
  if (decision.ok) return decision;
  const t: Translate = fanText(ctx, query.fan, fan);
  return {
    ok: false,
    reason: decision.reason,
    errorMessage: clip(t(`payment.stars.refused.${decision.reason}`), 255),
  };
}

/** Cuts a plain text to Telegram's limit (by code points, so no half emoji). */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
