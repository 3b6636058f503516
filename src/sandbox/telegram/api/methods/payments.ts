/**
 * Paid content and payments: sendPaidMedia, sendInvoice, createInvoiceLink (Star
 * subscriptions), answerPreCheckoutQuery (within Telegram's 10 s), refundStarPayment,
 * getStarTransactions, getMyStarBalance, editUserStarSubscription.
 */
import { badRequest, invalid } from '../../api-error.js';
import type { TgInlineKeyboardMarkup, TgMessage } from '../../types.js';
import type {
  ChatRecord,
  InvoiceLinkRecord,
  MediaKind,
  MessageRecord,
  PaymentRecord,
} from '../../world.js';
import type { ApiDeps, ApiMethod, MethodTable } from '../deps.js';
import { deliverIncoming } from '../incoming.js';
import { resolveFile } from '../media.js';
import { send } from '../outgoing.js';
import { captionFields } from '../text.js';

/** The stored record of a message the bot has just sent. */
function sentRecord({ world }: ApiDeps, message: TgMessage): MessageRecord {
  const chat = world.findChat(message.chat.id) as ChatRecord;
  return world.message(chat, message.message_id) as MessageRecord;
}

const sendPaidMedia: ApiMethod = (deps, { params, uploads }) => {
  let payload: string | undefined;
  const message = send(deps, params, () => {
    const stars = params.star_count as number;
    if (stars < 1 || stars > 25000) throw invalid('STARS_AMOUNT_INVALID');
    const media = params.media as Record<string, unknown>[];
    if (media.length < 1 || media.length > 10) throw invalid('paid media must contain 1-10 items');
    const paid = media.map((item) => {
      const kind: MediaKind = item.type === 'video' ? 'video' : 'photo';
      const fields = deps.world.mediaFields(resolveFile(deps, kind, item.media, uploads));
      return kind === 'video'
        ? { type: 'video', video: fields.video }
        : { type: 'photo', photo: fields.photo };
    });
    payload = params.payload as string | undefined;
    return {
      paid_media: { star_count: stars, paid_media: paid },
      ...captionFields(deps, params),
    };
  });
  if (payload !== undefined) sentRecord(deps, message).paidMediaPayload = payload;
  return message;
};

/** The invoice of a sendInvoice call, after Telegram's checks of prices and provider. */
function invoiceContent(params: Record<string, unknown>): Partial<TgMessage> {
  const currency = params.currency as string;
  const prices = params.prices as { label: string; amount: number }[];
  if (prices.length === 0) throw invalid('prices must be non-empty');
  if (currency === 'XTR') {
    if (prices.length !== 1)
      throw invalid('exactly one price must be specified for payments in Telegram Stars');
    if (params.provider_token)
      throw invalid('provider_token must be empty for payments in Telegram Stars');
    const stars = prices[0]!.amount;
    if (!Number.isInteger(stars) || stars < 1 || stars > 10_000)
      throw invalid('STARS_AMOUNT_INVALID');
  } else if (params.subscription_period !== undefined) {
    throw invalid('subscriptions can be paid only in Telegram Stars');
  } else if (!params.provider_token) {
    throw badRequest('PAYMENT_PROVIDER_INVALID');
  }
  const keyboard = (params.reply_markup as TgInlineKeyboardMarkup | undefined)?.inline_keyboard;
  if (keyboard && keyboard[0]?.[0]?.pay !== true)
    throw invalid('first button must be a Pay button');
  if (Buffer.byteLength(params.payload as string) > 128)
    throw invalid('payload must be 1-128 bytes');
  return {
    invoice: {
      title: params.title as string,
      description: params.description as string,
      start_parameter: (params.start_parameter as string | undefined) ?? '',
      currency,
      total_amount: prices.reduce((sum, price) => sum + price.amount, 0),
    },
  };
}

const sendInvoice: ApiMethod = (deps, { params }) => {
  const message = send(deps, params, () => invoiceContent(params));
  sentRecord(deps, message).invoicePayload = params.payload as string;
  return message;
};

/** The fields successful_payment and refunded_payment share. */
const paymentFields = (payment: PaymentRecord) => ({
  currency: payment.currency,
  total_amount: payment.totalAmount,
  invoice_payload: payment.payload,
  telegram_payment_charge_id: payment.telegramChargeId,
});

/** The successful_payment service message of `payment` (a subscription's first or renewal). */
export function postSuccessfulPayment(deps: ApiDeps, payment: PaymentRecord): void {
  const subscription = payment.subscription;
  postFromUser(deps, payment.userId, {
    successful_payment: {
      ...paymentFields(payment),
      ...(subscription
        ? {
            subscription_expiration_date: subscription.expiresAt,
            is_recurring: true,
            ...(subscription.first ? { is_first_recurring: true } : {}),
          }
        : {}),
      provider_payment_charge_id: payment.providerChargeId,
    },
  });
}

/** A service message in the user's private chat with the bot, delivered as an update. */
function postFromUser(deps: ApiDeps, userId: number, content: Partial<TgMessage>): void {
  const chat = deps.world.privateChat(userId);
  const record = deps.world.addMessage(chat, { from: deps.world.user(userId), ...content });
  deliverIncoming(deps, chat, record);
}

const answerPreCheckoutQuery: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const query = world.preCheckoutQueries.get(params.pre_checkout_query_id as string);
  // Telegram waits 10 s for the answer; a late one finds the query gone (the payment failed).
  const late =
    query !== undefined && deps.now() - query.createdAt > deps.preCheckoutTimeoutSeconds * 1000;
  if (!query || query.answer || late) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  const ok = params.ok as boolean;
  const errorMessage = params.error_message as string | undefined;
  if (!ok && !errorMessage) throw invalid('error_message must be non-empty if ok is False');
  query.answer = {
    ok,
    at: deps.now(),
    ...(errorMessage !== undefined ? { error_message: errorMessage } : {}),
  };
  if (ok) {
    const period = query.subscriptionPeriod;
    const payment = world.recordPayment({
      userId: query.fromId,
      currency: query.currency,
      totalAmount: query.totalAmount,
      payload: query.payload,
      ...(period !== undefined
        ? {
            subscription: {
              period,
              expiresAt: world.unixNow() + period,
              canceled: false,
              first: true,
            },
          }
        : {}),
    });
    postSuccessfulPayment(deps, payment);
  }
  return true;
};

const refundStarPayment: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const userId = params.user_id as number;
  if (!world.users.has(userId)) throw badRequest('user not found');
  const chargeId = params.telegram_payment_charge_id as string;
  const payment = world.payments.find(
    (p) => p.userId === userId && p.telegramChargeId === chargeId,
  );
  if (!payment || payment.currency !== 'XTR') throw badRequest('CHARGE_NOT_FOUND');
  if (payment.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
  payment.refunded = true;
  payment.refundedAt = world.unixNow();
  if (payment.subscription) payment.subscription.canceled = true;
  postFromUser(deps, userId, { refunded_payment: paymentFields(payment) });
  return true;
};

const createInvoiceLink: ApiMethod = (deps, { params }) => {
  const period = params.subscription_period as number | undefined;
  if (period !== undefined && period !== 2_592_000)
    throw invalid('subscription_period must be 2592000 (30 days)');
  const content = invoiceContent(params).invoice!;
  const slug = `sim${deps.world.nextSeq()}${Math.random().toString(36).slice(2, 10)}`;
  const link: InvoiceLinkRecord = {
    slug,
    title: content.title,
    currency: content.currency,
    totalAmount: content.total_amount,
    payload: params.payload as string,
    ...(period !== undefined ? { subscriptionPeriod: period } : {}),
  };
  deps.world.invoiceLinks.set(slug, link);
  return `https://t.me/$${slug}`;
};

/** The bot's Star transactions, newest first: payments in, refunds out. */
const getStarTransactions: ApiMethod = (deps, { params }) => {
  const { world } = deps;
  const offset = (params.offset as number | undefined) ?? 0;
  const limit = (params.limit as number | undefined) ?? 100;
  if (limit < 1 || limit > 100) throw invalid('limit must be between 1 and 100');
  const partner = (payment: PaymentRecord) => ({
    type: 'user',
    transaction_type: payment.kind ?? 'invoice_payment',
    user: world.user(payment.userId),
    ...(payment.kind === 'paid_media_payment'
      ? { paid_media_payload: payment.payload }
      : { invoice_payload: payment.payload }),
    ...(payment.subscription ? { subscription_period: payment.subscription.period } : {}),
  });
  const rows: { id: string; amount: number; date: number; [k: string]: unknown }[] = [];
  for (const payment of world.payments) {
    if (payment.currency !== 'XTR') continue;
    const date = payment.date ?? 0;
    rows.push({
      id: payment.telegramChargeId,
      amount: payment.totalAmount,
      date,
      source: partner(payment),
    });
    if (payment.refunded) {
      rows.push({
        id: payment.telegramChargeId,
        amount: payment.totalAmount,
        date: payment.refundedAt ?? date,
        receiver: partner(payment),
      });
    }
  }
  rows.sort((a, b) => b.date - a.date);
  return { transactions: rows.slice(offset, offset + limit) };
};

const getMyStarBalance: ApiMethod = ({ world }) => {
  let amount = 0;
  for (const payment of world.payments) {
    if (payment.currency !== 'XTR') continue;
    amount += payment.totalAmount;
    if (payment.refunded) amount -= payment.totalAmount;
  }
  return { amount };
};

const editUserStarSubscription: ApiMethod = (deps, { params }) => {
  const payment = deps.world.payments.find(
    (p) =>
      p.userId === params.user_id &&
      p.telegramChargeId === params.telegram_payment_charge_id &&
      p.subscription !== undefined,
  );
  if (!payment?.subscription) throw badRequest('CHARGE_ID_INVALID');
  const canceled = params.is_canceled as boolean;
  if (payment.subscription.canceled === canceled) throw badRequest('SUBSCRIPTION_NOT_MODIFIED');
  payment.subscription.canceled = canceled;
  return true;
};

export const paymentMethods: MethodTable = {
  sendPaidMedia,
  sendInvoice,
  createInvoiceLink,
  answerPreCheckoutQuery,
  refundStarPayment,
  getStarTransactions,
  getMyStarBalance,
  editUserStarSubscription,
};
