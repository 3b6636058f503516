/**
 * What every payment command works with (the store, Stripe, the bot's link, the message
 * templates) and the small lookups they share: the fan's account and language, a product on
 * sale, its price.
 */
import type { FanProfile } from '../../fan.js';
import type { LocalProduct } from '../../catalog.js';
import type { Logger } from '../../logger.js';
import { formatMoney } from '../../money.js';
import type { MessageCatalog, Translate } from '../../templates.js';
import type { PurchaseMetadata } from '../events.js';
import { INSTALL_METADATA_KEY } from '../install.js';
import { encodePurchase } from '../metadata.js';
import type { PaymentFan, FanReply, ReplyButton, PaymentGateway, PaymentStore } from '../ports.js';
import { productRails, type PaymentRails } from '../rails.js';

/**
 * A command's answer: a message for the fan, a short toast for a pressed button, and/or a
 * Telegram Stars invoice to send.
 */
export interface CommandResult {
  reply?: FanReply;
  toast?: string;
  invoice?: StarsInvoice;
}

export interface CommandContext<Tx> {
  store: PaymentStore<Tx>;
  gateway: PaymentGateway;
  /** `https://t.me/<bot username>`: success, cancel and portal links bring the fan back. */
  botLink: string;
  logger: Logger;
  now: () => Date;
  /** Wakes the outbox worker after something was enqueued. */
  onEnqueued?: () => void;
  /** Every reply and button is a `payment.*` template. */
  templates: MessageCatalog;
  /** This install's id: metadata on every Stripe object, prefix of every idempotency key. */
  installId: string;
  /** Backoff for an auto-recharge charge that never reached Stripe (none when absent). */
  retry?: StripeRetry;
  /** The rails in force now (`payments.rails`, bounded by what is configured). */
  rails(): Promise<PaymentRails>;
}

/** Delays between retries of a Stripe call that never got an answer, and how to wait. */
export interface StripeRetry {
  delaysMs: readonly number[];
  wait(ms: number): Promise<void>;
}

/** The metadata of a session or PaymentIntent: the purchase, and the install that made it. */
export function purchaseMetadata<Tx>(
  ctx: CommandContext<Tx>,
  purchase: PurchaseMetadata,
): Record<string, string> {
  return { ...encodePurchase(purchase), [INSTALL_METADATA_KEY]: ctx.installId };
}

/** A fan frozen by an open or lost dispute cannot pay (Checkout, quick-buy, auto-recharge). */
export function frozenReply(t: Translate): CommandResult {
  return { reply: { text: t('payment.frozen') }, toast: t('payment.frozen') };
}

/**
 * The fan's translator: the language of the update (Telegram's `language_code`), else the one
 * stored on the fan, else English.
 */
export function fanText<Tx>(
  ctx: CommandContext<Tx>,
  fan: FanProfile,
  acct?: PaymentFan | null,
): Translate {
  return ctx.templates.forLanguage(fan.languageCode ?? acct?.languageCode);
}

/** "10 credits — $5.00": a product's button. */
export function productButtonText(t: Translate, product: LocalProduct): string {
  return t('payment.product_button', { label: product.label, price: priceOf(t, product) });
}

/** "$5.00", "¥500": what a product costs, in the reader's locale. */
export function priceOf(t: Translate, product: LocalProduct): string {
  return formatMoney(product.priceCents, product.currency, t.locale);
}

/** The credit packages that can be bought (auto-recharge and quick-buy sell only these). */
export function creditPackages(products: LocalProduct[]): LocalProduct[] {
  return products.filter((p) => p.type === 'credits' && p.stripePriceId);
}

/** The fan's account, recording the fan first when they are new. */
export async function account<Tx>(ctx: CommandContext<Tx>, fan: FanProfile): Promise<PaymentFan> {
  const { store } = ctx;
  let acct = await store.fan(fan.id);
  if (!acct) {
    await store.transaction((tx) => store.ensureFan(fan.id, tx, fan));
    acct = await store.fan(fan.id);
  }
  if (!acct) throw new Error(`fan ${fan.id} could not be recorded`);
  return acct;
}

/** The product when it is still on sale (active, with a Stripe price). */
export async function activeProduct<Tx>(
  ctx: CommandContext<Tx>,
  productId: number,
): Promise<LocalProduct | null> {
  const product = await ctx.store.product(productId);
  return product && product.active && product.stripePriceId ? product : null;
}

/** "⭐ 250": a product's Stars button (`stars:<id>`). */
export function starsButton(t: Translate, product: LocalProduct): ReplyButton {
  return {
    text: t('payment.stars.button', { price: formatMoney(product.stars!, 'xtr', t.locale) }),
    callbackData: `stars:${product.id}`,
  };
}

/** The buttons of one product under `rails`: money (Stripe) and/or "⭐ 250" (Stars). */
export function productButtons(
  t: Translate,
  product: LocalProduct,
  rails: PaymentRails,
): ReplyButton[] {
  const on = productRails(product, rails);
  const row: ReplyButton[] = [];
  if (on.stripe)
    row.push({ text: productButtonText(t, product), callbackData: `buy:${product.id}` });
  if (on.stars) {
    row.push(
      on.stripe
        ? starsButton(t, product)
        : {
            text: t('payment.product_button', {
              label: product.label,
              price: formatMoney(product.stars!, 'xtr', t.locale),
            }),
            callbackData: `stars:${product.id}`,
          },
    );
  }
  return row;
}

/** An invoice for the adapter to send (`sendInvoice`, currency XTR, no provider token). */
export interface StarsInvoice {
  /** 1–32 characters. */
  title: string;
  /** 1–255 characters. */
  description: string;
  payload: string;
  /** The one price's label and amount in Stars. */
  priceLabel: string;
  stars: number;
  /**
   * A Star subscription (30 days, `STARS_SUBSCRIPTION_PERIOD`): sent as a `createInvoiceLink`
   * link under a button — Telegram takes subscriptions through invoice links only.
   */
  subscriptionPeriod?: number;
  /** For a subscription: the message and the button that carry the invoice link. */
  linkMessage?: { text: string; button: string };
}
