/**
 * Telegram Stars in the fan's private chat: `stars:<productId>` buttons send an invoice in
 * XTR (through the outbox, like every reply); `pre_checkout_query` is answered at once from
 * the database (Telegram waits 10 s, so nothing here waits for the outbox); a
 * `successful_payment` goes to the payment processor, which grants once per Telegram charge;
 * a `refunded_payment` (ours, or one Telegram support made) goes to the same processor, which
 * takes the purchase back once per charge.
 * Registered by the payments feature, before the fan side.
 */
import type { Context, Telegraf } from 'telegraf';
import type { NewOutboxJob } from '../../../core/traffic/outbox.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import { STARS_INVOICE_CURRENCY, decodeStarsPayload } from '../../../core/payments/stars.js';
import type {
  CommandResult,
  PaymentCommands,
  StarsInvoice,
} from '../../../core/payments/service.js';
import type { BotDeps } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

/** The `sendInvoice` job of a Stars invoice: one price in XTR, no provider token. */
export function invoiceJob(fanId: number, invoice: StarsInvoice, dedupeKey: string): NewOutboxJob {
  return {
    kind: 'notice.payment',
    target: { type: 'chat', chatId: fanId },
    method: 'sendInvoice',
    params: {
      title: invoice.title,
      description: invoice.description,
      payload: invoice.payload,
      currency: STARS_INVOICE_CURRENCY,
      prices: [{ label: invoice.priceLabel, amount: invoice.stars }],
    },
    priority: PRIORITY.payment,
    fanId,
    dedupeKey,
  };
}

/**
 * A Star subscription's invoice: `createInvoiceLink` with `subscription_period` (Telegram
 * takes subscriptions through links only; the call posts nothing, so it needs no chat
 * budget), then a message whose button opens the link, through the outbox like every reply.
 */
async function invoiceLinkJob(
  deps: BotDeps,
  fanId: number,
  invoice: StarsInvoice,
  dedupeKey: string,
): Promise<NewOutboxJob> {
  const url = await deps.sender.send<string>(
    'createInvoiceLink',
    {
      title: invoice.title,
      description: invoice.description,
      payload: invoice.payload,
      currency: STARS_INVOICE_CURRENCY,
      prices: [{ label: invoice.priceLabel, amount: invoice.stars }],
      subscription_period: invoice.subscriptionPeriod,
    },
    { maxAttempts: 2 },
  );
  const message = invoice.linkMessage ?? { text: invoice.title, button: `⭐ ${invoice.stars}` };
  return {
    kind: 'notice.payment',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params: {
      text: message.text,
      reply_markup: { inline_keyboard: [[{ text: message.button, url }]] },
    },
    priority: PRIORITY.payment,
    fanId,
    dedupeKey,
  };
}

/** Queues the invoice of a command's result, when it has one. */
export async function sendInvoiceOf(
  ctx: Context,
  deps: BotDeps,
  result: CommandResult,
): Promise<void> {
  const invoice = result.invoice;
  if (!invoice) return;
  const fanId = ctx.from!.id;
  const key = `invoice:${ctx.update.update_id}`;
  const job =
    invoice.subscriptionPeriod === undefined
      ? invoiceJob(fanId, invoice, key)
      : await invoiceLinkJob(deps, fanId, invoice, key);
  await deps.outbox.enqueue([job]);
  deps.wakeOutbox();
}

interface SuccessfulPayment {
  currency: string;
  total_amount: number;
  invoice_payload: string;
  telegram_payment_charge_id: string;
  /** A Star subscription's payment: when the paid period ends, and whether it is the first. */
  subscription_expiration_date?: number;
  is_recurring?: boolean;
  is_first_recurring?: boolean;
}

/** Pre-checkout answers, successful payments and refund notices. */
export function registerStars(
  bot: Telegraf<Context>,
  deps: BotDeps,
  payments: PaymentCommands,
): void {
  bot.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const answer = await payments
      .preCheckout({
        fan: profileOf(query.from),
        currency: query.currency,
        totalAmount: query.total_amount,
        payload: query.invoice_payload,
      })
      .catch((err: unknown) => {
        // Telegram waits 10 s: a failed check is answered at once, and no Stars are taken.
        deps.logger.error({ err, fan: query.from.id }, 'stars pre-checkout failed');
        const t = deps.fan.templates.forLanguage(query.from.language_code);
        return {
          ok: false as const,
          reason: 'error',
          errorMessage: t('payment.stars.refused.error'),
        };
      });
    if (!answer.ok) {
      deps.logger.info({ fan: query.from.id, reason: answer.reason }, 'stars pre-checkout refused');
    }
    await deps.sender.send(
      'answerPreCheckoutQuery',
      {
        pre_checkout_query_id: query.id,
        ok: answer.ok,
        ...(answer.ok ? {} : { error_message: answer.errorMessage }),
      },
      { maxAttempts: 2 },
    );
  });

  bot.on('message', async (ctx, next) => {
    if (ctx.chat.type !== 'private') return next();
    const message = ctx.message as {
      successful_payment?: SuccessfulPayment;
      refunded_payment?: { currency?: string; telegram_payment_charge_id?: string };
    };
    const refunded = message.refunded_payment;
    if (refunded !== undefined) {
      // Ours (already applied after refundStarPayment: a duplicate) or one made elsewhere.
      deps.logger.info({ fan: ctx.from.id }, 'stars refund received');
      const chargeId = refunded.telegram_payment_charge_id;
      if (refunded.currency !== STARS_INVOICE_CURRENCY || !chargeId) return;
      await payments.starsRefunded({ fanId: ctx.from.id, chargeId });
      deps.wakeOutbox();
      return;
    }
    const paid = message.successful_payment;
    if (!paid) return next();
    if (paid.currency !== STARS_INVOICE_CURRENCY) {
      deps.logger.warn({ fan: ctx.from.id, currency: paid.currency }, 'a payment not in Stars');
      return;
    }
    await payments.starsPaid({
      fanId: ctx.from.id,
      chargeId: paid.telegram_payment_charge_id,
      stars: paid.total_amount,
      invoice: decodeStarsPayload(paid.invoice_payload),
      subscription:
        paid.is_recurring && paid.subscription_expiration_date !== undefined
          ? {
              expiresAt: paid.subscription_expiration_date,
              first: paid.is_first_recurring === true,
            }
          : null,
    });
    deps.wakeOutbox();
  });
}
