/**
 * What fans do with payments: buy (Checkout), quick-buy with a saved card, open the billing
 * portal, manage auto-recharge; and the auto-recharge trigger after a spend. Stripe calls
 * happen outside database transactions; every charge uses an idempotency key taken from a
 * row written first (the payment row, or the auto-recharge attempt), so a retry after a lost
 * response can never charge twice.
 */
import { describeAmount, type LocalProduct } from '../catalog.js';
import type { Logger } from '../logger.js';
import { PRIORITY } from '../traffic/outbox.js';
import { encodePurchase } from './metadata.js';
import type {
  AutoRechargeSettings,
  ChargeOutcome,
  FanAccount,
  FanReply,
  PaymentGateway,
  PaymentStore,
  ReplyButton,
} from './ports.js';
import { formatMoney } from '../money.js';
import { crossesThreshold, DEFAULT_RECHARGE_THRESHOLD, RECHARGE_THRESHOLDS } from './rules.js';
import { cardName, describeBalance, paymentTexts } from './texts.js';

/** The fan as Telegram describes them. */
export interface FanIdentity {
  id: number;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
}

/** A command's answer: a message for the fan and/or a short toast for a pressed button. */
export interface CommandResult {
  reply?: FanReply;
  toast?: string;
}

export type AutoRechargeAction =
  | { type: 'on' }
  | { type: 'off' }
  | { type: 'product'; productId: number }
  | { type: 'threshold'; value: number };

/** The payment commands the Telegram feature calls. */
export interface PaymentCommands {
  buyMenu(fan: FanIdentity): Promise<CommandResult>;
  buy(fan: FanIdentity, productId: number): Promise<CommandResult>;
  quickBuy(fan: FanIdentity, amount: number): Promise<CommandResult>;
  confirmQuickBuy(fan: FanIdentity, paymentId: number): Promise<CommandResult>;
  cancelQuickBuy(fan: FanIdentity, paymentId: number): Promise<CommandResult>;
  billing(fan: FanIdentity): Promise<CommandResult>;
  autoRechargeMenu(fan: FanIdentity): Promise<CommandResult>;
  autoRecharge(fan: FanIdentity, action: AutoRechargeAction): Promise<CommandResult>;
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
}

/** An attempt still pending after this long is treated as abandoned (crash between steps). */
const STALE_ATTEMPT_MS = 15 * 60_000;

export function createPaymentService<Tx>(deps: PaymentServiceDeps<Tx>): PaymentCommands {
  const { store, gateway } = deps;
  const now = deps.now ?? (() => new Date());
  const botLink = `https://t.me/${deps.botUsername}`;

  const priceOf = (p: LocalProduct) => formatMoney(p.priceCents, p.currency);

  async function account(fan: FanIdentity): Promise<FanAccount> {
    let acct = await store.fan(fan.id);
    if (!acct) {
      await store.transaction((tx) => store.ensureFan(fan.id, tx, fan));
      acct = await store.fan(fan.id);
    }
    if (!acct) throw new Error(`fan ${fan.id} could not be recorded`);
    return acct;
  }

  async function ensureCustomer(fan: FanIdentity, acct: FanAccount): Promise<string> {
    if (acct.stripeCustomerId) return acct.stripeCustomerId;
    const name = [fan.firstName, fan.lastName].filter(Boolean).join(' ') || null;
    const created = await gateway.createCustomer(
      { id: fan.id, name, username: fan.username ?? null },
      `premiumbot-customer-${fan.id}`,
    );
    return store.setCustomer(fan.id, created);
  }

  async function activeProduct(productId: number): Promise<LocalProduct | null> {
    const product = await store.product(productId);
    return product && product.active && product.stripePriceId ? product : null;
  }

  function productButtons(products: LocalProduct[]): ReplyButton[][] {
    return products.map((p) => [
      { text: `${p.label} — ${priceOf(p)}`, callbackData: `buy:${p.id}` },
    ]);
  }

  async function buyMenu(): Promise<CommandResult> {
    const products = (await store.activeProducts()).filter((p) => p.stripePriceId);
    if (products.length === 0) {
      return { reply: { text: 'Nothing is on sale right now. Please check back later.' } };
    }
    return {
      reply: { text: 'Choose a package:', buttons: productButtons(products) },
    };
  }

  /** Creates a Checkout Session (expiring older open ones for the same product) and its button. */
  async function checkout(
    fan: FanIdentity,
    product: LocalProduct,
    intro?: string,
  ): Promise<CommandResult> {
    const acct = await account(fan);
    const customerId = await ensureCustomer(fan, acct);
    for (const old of await store.openCheckouts(fan.id, product.id)) {
      if (old.checkoutSessionId) {
        try {
          await gateway.expireCheckout(old.checkoutSessionId);
        } catch (err) {
          deps.logger.warn(
            { err, session: old.checkoutSessionId },
            'could not expire an older Checkout Session',
          );
          continue;
        }
      }
      await store.updatePayment(old.id, { status: 'expired' }, { onlyIfStatus: 'pending' });
    }
    const row = await store.createPayment({
      userId: fan.id,
      productId: product.id,
      source: 'checkout',
      currency: product.currency,
    });
    const session = await gateway.createCheckout({
      customerId,
      product,
      // The bot's /start reads `paid_…` / `cancel_…` (deep-link payloads: [A-Za-z0-9_-], ≤ 64).
      successUrl: `${botLink}?start=paid_${row.id}`,
      cancelUrl: `${botLink}?start=cancel_${row.id}`,
      saveForOffSession: acct.autoRecharge.enabled,
      metadata: encodePurchase({
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
      idempotencyKey: `premiumbot-checkout-${row.id}`,
    });
    await store.updatePayment(row.id, { checkoutSessionId: session.sessionId });
    const text =
      intro ??
      `${product.label}: ${describeAmount(product.type, product.amount)} for ${priceOf(product)}.\nTap below to pay securely with Stripe.`;
    return {
      reply: { text, buttons: [[{ text: `💳 Pay ${priceOf(product)}`, url: session.url }]] },
    };
  }

  async function enqueueReply(fanId: number, dedupeKey: string, reply: FanReply): Promise<void> {
    await store.enqueue([
      {
        kind: 'notice.payment',
        target: { type: 'chat', chatId: fanId },
        method: 'sendMessage',
        params: renderReply(reply),
        priority: PRIORITY.payment,
        dedupeKey,
        fanId,
      },
    ]);
    deps.onEnqueued?.();
  }

  function rechargeMenu(acct: FanAccount, products: LocalProduct[]): FanReply {
    const ar = acct.autoRecharge;
    const credits = products.filter((p) => p.type === 'credits' && p.stripePriceId);
    const chosen = credits.find((p) => p.id === ar.productId);
    const lines = [
      `🔁 Auto-recharge is ${ar.enabled ? 'ON' : 'OFF'}.`,
      chosen
        ? `Package: ${chosen.label} (${priceOf(chosen)}), charged when your balance drops to ${ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD} credits or below.`
        : 'Choose the package to buy automatically, and the balance that triggers it.',
      acct.savedCard
        ? `Card: ${cardName(acct.savedCard.brand, acct.savedCard.last4)}.`
        : 'No card saved yet: your card is saved for auto-recharge at your next purchase (/buy).',
      `Balance: ${describeBalance(acct)}.`,
    ];
    const buttons: ReplyButton[][] = [
      [
        ar.enabled
          ? { text: '⏹ Turn off', callbackData: 'ar:off' }
          : { text: '▶️ Turn on', callbackData: 'ar:on' },
      ],
      ...credits.map((p) => [
        {
          text: `${p.id === ar.productId ? '✓ ' : ''}${p.label} — ${priceOf(p)}`,
          callbackData: `ar:p:${p.id}`,
        },
      ]),
      RECHARGE_THRESHOLDS.map((t) => ({
        text: `${t === (ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD) ? '✓ ' : ''}≤ ${t}`,
        callbackData: `ar:t:${t}`,
      })),
    ];
    return { text: lines.join('\n'), buttons };
  }

  async function charge(
    fan: FanIdentity,
    acct: FanAccount,
    product: LocalProduct,
    ids: { paymentId: number | null; attemptId: number | null },
    idempotencyKey: string,
  ) {
    return gateway.chargeOffSession({
      customerId: acct.stripeCustomerId!,
      paymentMethodId: acct.savedCard!.paymentMethodId,
      amountCents: product.priceCents,
      currency: product.currency,
      description: `${product.label} (${describeAmount(product.type, product.amount)})`,
      metadata: encodePurchase({
        fanId: fan.id,
        productId: product.id,
        productType: product.type,
        productAmount: product.amount,
        productLabel: product.label,
        source: ids.attemptId !== null ? 'auto_recharge' : 'quick_buy',
        attemptId: ids.attemptId,
        paymentId: ids.paymentId,
      }),
      idempotencyKey,
    });
  }

  async function authLink(fan: FanIdentity, product: LocalProduct): Promise<CommandResult> {
    const view = {
      label: product.label,
      type: product.type,
      amount: product.amount,
      amountCents: product.priceCents,
      currency: product.currency,
    };
    return checkout(fan, product, paymentTexts.confirmOnSession(view));
  }

  return {
    buyMenu: () => buyMenu(),

    async buy(fan, productId) {
      const product = await activeProduct(productId);
      if (!product) {
        const menu = await buyMenu();
        return { toast: 'That package is no longer available.', reply: menu.reply };
      }
      return checkout(fan, product);
    },

    async quickBuy(fan, amount) {
      const products = (await store.activeProducts()).filter(
        (p) => p.type === 'credits' && p.stripePriceId,
      );
      const product = products.find((p) => p.amount === amount);
      if (!product) {
        const offered = products.map((p) => `/buy${p.amount}`).join(', ');
        return {
          reply: {
            text: offered
              ? `There is no package of ${amount} credits. Try ${offered}, or /buy to see everything.`
              : 'Nothing is on sale right now. Please check back later.',
          },
        };
      }
      const acct = await account(fan);
      if (!acct.savedCard || !acct.stripeCustomerId) return checkout(fan, product);
      const row = await store.createPayment({
        userId: fan.id,
        productId: product.id,
        source: 'quick_buy',
        currency: product.currency,
      });
      return {
        reply: {
          text: `Charge ${priceOf(product)} to ${cardName(acct.savedCard.brand, acct.savedCard.last4)} for ${describeAmount(product.type, product.amount)}?`,
          buttons: [
            [
              { text: '✅ Confirm', callbackData: `qb:${row.id}` },
              { text: 'Cancel', callbackData: `qbx:${row.id}` },
            ],
          ],
        },
      };
    },

    async confirmQuickBuy(fan, paymentId) {
      const row = await store.findPayment({ id: paymentId });
      if (!row || row.userId !== fan.id || row.source !== 'quick_buy') {
        return { toast: 'This purchase is no longer available.' };
      }
      if (row.status !== 'pending') {
        return { toast: row.status === 'paid' ? 'Already paid — thank you!' : 'Already handled.' };
      }
      const product = row.productId === null ? null : await activeProduct(row.productId);
      const acct = await account(fan);
      if (!product || !acct.savedCard || !acct.stripeCustomerId) {
        return { toast: 'This purchase is no longer available. Use /buy.' };
      }
      const outcome = await charge(
        fan,
        acct,
        product,
        { paymentId: row.id, attemptId: null },
        `premiumbot-quickbuy-${row.id}`,
      );
      if (outcome.paymentIntentId) {
        await store.updatePayment(
          row.id,
          { paymentIntentId: outcome.paymentIntentId },
          { onlyIfNoIntent: true },
        );
      }
      if (outcome.status === 'succeeded' || outcome.status === 'processing') {
        return { toast: 'Payment accepted — your credits are on their way.' };
      }
      if (needsAuthentication(outcome)) return authLink(fan, product);
      return { toast: 'Your card was declined.' };
    },

    async cancelQuickBuy(fan, paymentId) {
      const row = await store.findPayment({ id: paymentId });
      if (row && row.userId === fan.id && row.source === 'quick_buy') {
        await store.updatePayment(
          row.id,
          { status: 'expired' },
          { onlyIfStatus: 'pending', onlyIfNoIntent: true },
        );
      }
      return { toast: 'Canceled.' };
    },

    async billing(fan) {
      const acct = await account(fan);
      if (!acct.stripeCustomerId) {
        return {
          reply: {
            text: 'You have no billing profile yet: it is created with your first purchase (/buy).',
          },
        };
      }
      const url = await gateway.portalUrl(acct.stripeCustomerId, botLink);
      return {
        reply: {
          text: 'Manage your saved cards and see your receipts in the Stripe billing portal:',
          buttons: [[{ text: '🧾 Open billing portal', url }]],
        },
      };
    },

    async autoRechargeMenu(fan) {
      const acct = await account(fan);
      return { reply: rechargeMenu(acct, await store.activeProducts()) };
    },

    async autoRecharge(fan, action) {
      const acct = await account(fan);
      const products = await store.activeProducts();
      const credits = products.filter((p) => p.type === 'credits' && p.stripePriceId);
      const patch: Partial<AutoRechargeSettings> = {};
      let toast = 'Saved.';
      switch (action.type) {
        case 'on': {
          const chosen = credits.find((p) => p.id === acct.autoRecharge.productId) ?? credits[0];
          if (!chosen) return { toast: 'Nothing is on sale right now.' };
          Object.assign(patch, {
            enabled: true,
            productId: chosen.id,
            threshold: acct.autoRecharge.threshold ?? DEFAULT_RECHARGE_THRESHOLD,
            consecutiveFailures: 0,
          });
          toast = 'Auto-recharge is on.';
          break;
        }
        case 'off':
          patch.enabled = false;
          toast = 'Auto-recharge is off.';
          break;
        case 'product':
          if (!credits.some((p) => p.id === action.productId)) {
            return { toast: 'That package is no longer available.' };
          }
          patch.productId = action.productId;
          break;
        case 'threshold':
          if (!(RECHARGE_THRESHOLDS as readonly number[]).includes(action.value)) {
            return { toast: 'Choose one of the offered thresholds.' };
          }
          patch.threshold = action.value;
          break;
      }
      await store.setAutoRecharge(fan.id, patch);
      const updated = await account(fan);
      return { toast, reply: rechargeMenu(updated, products) };
    },

    async onCreditsSpent(fanId, before, after) {
      const acct = await store.fan(fanId);
      const ar = acct?.autoRecharge;
      if (!acct || !ar?.enabled || ar.productId === null) return;
      const threshold = ar.threshold ?? DEFAULT_RECHARGE_THRESHOLD;
      if (!crossesThreshold(before, after, threshold)) return;
      if (!acct.savedCard || !acct.stripeCustomerId || acct.isFrozen) return;
      const product = await activeProduct(ar.productId);
      if (!product || product.type !== 'credits') return;
      const attempt = await store.startRechargeAttempt(
        fanId,
        product.id,
        new Date(now().getTime() - STALE_ATTEMPT_MS),
      );
      if (!attempt) return;
      const fan: FanIdentity = { id: fanId, firstName: acct.firstName, username: acct.username };
      const log = deps.logger.child({ fanId, attempt: attempt.id });
      let outcome;
      try {
        outcome = await charge(
          fan,
          acct,
          product,
          { paymentId: null, attemptId: attempt.id },
          attempt.idempotencyKey,
        );
      } catch (err) {
        // The attempt stays pending: the same key is reused if it is retried, never a new charge.
        log.error({ err }, 'auto-recharge charge failed to reach Stripe');
        return;
      }
      const current = await store.findAttempt({ id: attempt.id });
      if (current?.status === 'pending') {
        const needsAuth = needsAuthentication(outcome);
        await store.updateAttempt(attempt.id, {
          paymentIntentId: outcome.paymentIntentId ?? null,
          status:
            outcome.status === 'declined'
              ? needsAuth
                ? 'requires_action'
                : 'failed'
              : outcome.status === 'requires_action'
                ? 'requires_action'
                : 'processing',
          failureCode:
            outcome.status === 'declined'
              ? (outcome.failure.declineCode ?? outcome.failure.code)
              : null,
        });
      } else if (current && current.paymentIntentId === null && outcome.paymentIntentId) {
        await store.updateAttempt(attempt.id, { paymentIntentId: outcome.paymentIntentId });
      }
      if (needsAuthentication(outcome)) {
        const link = await authLink(fan, product);
        if (link.reply) await enqueueReply(fanId, `authlink:${attempt.idempotencyKey}`, link.reply);
      }
    },
  };
}

/** True when the bank wants the fan present: the payment must be completed on-session. */
function needsAuthentication(outcome: ChargeOutcome): boolean {
  if (outcome.status === 'requires_action') return true;
  return (
    outcome.status === 'declined' &&
    (outcome.failure.code === 'authentication_required' ||
      outcome.failure.declineCode === 'authentication_required')
  );
}

/** Telegram `sendMessage` parameters for a reply (plain text, inline keyboard). */
export function renderReply(reply: FanReply): Record<string, unknown> {
  const params: Record<string, unknown> = { text: reply.text };
  if (reply.buttons && reply.buttons.length > 0) {
    params.reply_markup = {
      inline_keyboard: reply.buttons.map((row) =>
        row.map((b) =>
          'url' in b
            ? { text: b.text, url: b.url }
            : { text: b.text, callback_data: b.callbackData },
        ),
      ),
    };
  }
  return params;
}
