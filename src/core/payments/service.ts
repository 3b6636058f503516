/**
 * What fans do with payments: buy (Checkout), quick-buy with a saved card, open the billing
 * portal, manage auto-recharge; and the auto-recharge trigger after a spend. One file per
 * command in `commands/`, listed here. Stripe calls happen outside database transactions;
 * every charge uses an idempotency key taken from a row written first (the payment row, or
 * the auto-recharge attempt), so a retry after a lost response can never charge twice.
 */
import type { FanProfile } from '../fan.js';
import type { Logger } from '../logger.js';
import type { MessageCatalog } from '../templates.js';
import { rechargeAfterSpend } from './commands/auto-recharge.js';
import {
  autoRecharge,
  autoRechargeMenu,
  type AutoRechargeAction,
} from './commands/auto-recharge-menu.js';
import { billing } from './commands/billing.js';
import { buy, buyMenu } from './commands/checkout.js';
import { contentCheckout } from './commands/content-checkout.js';
import type { ContentItem } from '../content/items.js';
import type { CommandContext, CommandResult, StripeRetry } from './commands/context.js';
import { cancelQuickBuy, confirmQuickBuy, quickBuy } from './commands/quick-buy.js';
import {
  answerPreCheckout,
  buyWithStars,
  type PreCheckoutAnswer,
  type PreCheckoutQuery,
} from './commands/stars.js';
import { stripeOff } from './commands/stripe-off.js';
import type { StarsPaymentFacts, StarsRefundFacts } from './events.js';
import type { PaymentGateway, PaymentStore } from './ports.js';
import type { PaymentProcessor } from './processor.js';
import { starsReceivedEvent, starsRefundEvent } from './stars.js';
import { railsFor, type PaymentRails } from './rails.js';

export type { AutoRechargeAction } from './commands/auto-recharge-menu.js';
export { rechargeOnSpend } from './commands/auto-recharge.js';
export type { CommandResult } from './commands/context.js';
export type { PreCheckoutAnswer, PreCheckoutQuery, StarsInvoice } from './commands/stars.js';
export { renderReply } from './commands/reply.js';

/** The payment commands the Telegram feature calls. */
export interface PaymentCommands {
  buyMenu(fan: FanProfile): Promise<CommandResult>;
  buy(fan: FanProfile, productId: number): Promise<CommandResult>;
  quickBuy(fan: FanProfile, amount: number): Promise<CommandResult>;
  confirmQuickBuy(fan: FanProfile, paymentId: number): Promise<CommandResult>;
  cancelQuickBuy(fan: FanProfile, paymentId: number): Promise<CommandResult>;
  billing(fan: FanProfile): Promise<CommandResult>;
  autoRechargeMenu(fan: FanProfile): Promise<CommandResult>;
  autoRecharge(fan: FanProfile, action: AutoRechargeAction): Promise<CommandResult>;
  /** A `stars:<id>` button: a Telegram Stars invoice for the product. */
  buyWithStars(fan: FanProfile, productId: number): Promise<CommandResult>;
  /** A pre_checkout_query: ok, or why not (answered within Telegram's 10 s; DB reads only). */
  preCheckout(query: PreCheckoutQuery): Promise<PreCheckoutAnswer>;
  /**
   * A `successful_payment` in Stars: applied by the payment processor (the same as Stripe's
   * events), once per Telegram charge. Throws when it could not be applied (the update is
   * then not marked processed, and Telegram's redelivery applies it).
   */
  starsPaid(payment: StarsPaymentFacts): Promise<void>;
  /**
   * A Stars payment refunded (after our `refundStarPayment`, or Telegram's `refunded_payment`
   * message): applied by the processor once per charge, whichever comes first.
   */
  starsRefunded(refund: StarsRefundFacts): Promise<void>;
  /** A teaser's "Pay $5.00" button: a one-off Checkout for the vault item. */
  contentCheckout(fan: FanProfile, item: ContentItem): Promise<CommandResult>;
  /** The hook called after a spend commits: starts one off-session charge per threshold crossing. */
  onCreditsSpent(fanId: number, before: number, after: number): Promise<void>;
}

export interface PaymentServiceDeps<Tx> {
  store: PaymentStore<Tx>;
  gateway: PaymentGateway;
  /** The bot's username: success/cancel links bring the fan back to `t.me/<username>`. */
  botUsername: string;
  logger: Logger;
  now?: () => Date;
  /** Wakes the outbox worker after something was enqueued. */
  onEnqueued?: () => void;
  /** Replies and buttons are `payment.*` templates, in the fan's language. */
  templates: MessageCatalog;
  /** This install's id (Stripe metadata and idempotency keys). */
  installId: string;
  /** Backoff for an auto-recharge charge that never reached Stripe (none when absent). */
  retry?: StripeRetry;
  /**
   * The rails in force (`payments.rails` bounded by configuration); without it, Stripe only
   * plus Stars as soon as a product on sale has a Stars price (`auto`).
   */
  rails?: () => Promise<PaymentRails>;
  /** The payment processor (Stars payments enter it like Stripe events). */
  processor?: PaymentProcessor;
}

/** The payment commands over their ports. */
export function createPaymentService<Tx>(deps: PaymentServiceDeps<Tx>): PaymentCommands {
  const ctx: CommandContext<Tx> = {
    store: deps.store,
    gateway: deps.gateway,
    botLink: `https://t.me/${deps.botUsername}`,
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    onEnqueued: deps.onEnqueued,
    templates: deps.templates,
    installId: deps.installId,
    retry: deps.retry,
    rails: deps.rails ?? (async () => railsFor('auto', true, await deps.store.activeProducts())),
  };
  // Card-only commands answer "pay with Stars" when the Stripe rail is off.
  const withStripe =
    <A extends unknown[]>(run: (fan: FanProfile, ...args: A) => Promise<CommandResult>) =>
    async (fan: FanProfile, ...args: A): Promise<CommandResult> =>
      (await ctx.rails()).stripe ? run(fan, ...args) : stripeOff(ctx, fan);
  return {
    buyMenu: (fan) => buyMenu(ctx, fan),
    buy: (fan, productId) => buy(ctx, fan, productId),
    quickBuy: (fan, amount) => quickBuy(ctx, fan, amount),
    confirmQuickBuy: withStripe((fan, paymentId: number) => confirmQuickBuy(ctx, fan, paymentId)),
    cancelQuickBuy: (fan, paymentId) => cancelQuickBuy(ctx, fan, paymentId),
    billing: withStripe((fan) => billing(ctx, fan)),
    autoRechargeMenu: withStripe((fan) => autoRechargeMenu(ctx, fan)),
    autoRecharge: withStripe((fan, action: AutoRechargeAction) => autoRecharge(ctx, fan, action)),
    buyWithStars: (fan, productId) => buyWithStars(ctx, fan, productId),
    contentCheckout: (fan, item) => contentCheckout(ctx, fan, item),
    preCheckout: (query) => answerPreCheckout(ctx, query),
    async starsPaid(payment) {
      if (!deps.processor) throw new Error('Stars payment received without a payment processor');
      const now = Math.floor(ctx.now().getTime() / 1000);
      await deps.processor.process(starsReceivedEvent(payment, now));
    },
    async starsRefunded(refund) {
      if (!deps.processor) throw new Error('Stars refund received without a payment processor');
      const now = Math.floor(ctx.now().getTime() / 1000);
      await deps.processor.process(starsRefundEvent(refund, now));
    },
    async onCreditsSpent(fanId, before, after) {
      // No card to charge without the Stripe rail.
      if ((await ctx.rails()).stripe) await rechargeAfterSpend(ctx, fanId, before, after);
    },
  };
}
