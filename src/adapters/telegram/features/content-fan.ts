/**
 * Premium content in the fan's private chat (issue 18): the teaser's buttons — "Unlock for
 * N credits" (`cu:<item>`) and "Pay $5.00" (`cp:<item>`, a one-off Checkout) — `/library`
 * with its resend (`lib:s:<item>`) and page (`lib:p:<page>`) buttons, and Telegram's
 * `purchased_paid_media` (a Stars paid-media teaser bought: recorded in the library).
 * Every press is answered at once with a toast; messages go through the outbox.
 */
import type { Context } from 'telegraf';
import type { FanAnswer } from '../../../core/content/service.js';
import { renderReply } from '../../../core/payments/service.js';
import type { FanReply } from '../../../core/payments/ports.js';
import { commandOf } from '../../../core/relay/message-kind.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { BotDeps, Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

async function toast(ctx: Context, deps: BotDeps, text?: string): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query) return;
  await deps.sender
    .send(
      'answerCallbackQuery',
      { callback_query_id: query.id, ...(text ? { text } : {}) },
      { maxAttempts: 2 },
    )
    .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
}

/** Messages to the fan, in order, keyed on the update (a redelivery queues nothing new). */
async function send(
  ctx: Context,
  deps: BotDeps,
  replies: FanReply[],
  edit?: number,
): Promise<void> {
  const fanId = ctx.from!.id;
  await deps.outbox.enqueue(
    replies.map((reply, i) => ({
      kind: 'notice.fan',
      target: { type: 'chat', chatId: fanId },
      method: edit !== undefined && i === 0 ? 'editMessageText' : 'sendMessage',
      params: {
        ...(edit !== undefined && i === 0 ? { message_id: edit } : {}),
        ...renderReply(reply),
      },
      priority: PRIORITY.payment,
      fanId,
      dedupeKey: `content:${ctx.update.update_id}:${i}`,
    })),
  );
  deps.wakeOutbox();
}

/** A use case's answer: the toast, then its text and, when the fan is short, the shop. */
async function reply(ctx: Context, deps: BotDeps, result: FanAnswer): Promise<void> {
  await toast(ctx, deps, result.toast);
  const replies: FanReply[] = [];
  if (result.text) replies.push({ text: result.text });
  if (result.shop && deps.payments) {
    const shop = await deps.payments.buyMenu(profileOf(ctx.from!));
    if (shop.reply) replies.push(shop.reply);
  }
  if (replies.length > 0) await send(ctx, deps, replies);
}

export const contentFanFeature: Feature = {
  name: 'content-fan',
  register(bot, deps) {
    const content = deps.content;
    if (!content) return;
    const onButton = (pattern: RegExp, run: (ctx: Context, n: number) => Promise<void>) => {
      bot.action(pattern, async (ctx) => {
        if (ctx.chat?.type !== 'private') return toast(ctx, deps);
        const data = (ctx.callbackQuery as { data?: string }).data ?? '';
        await run(ctx, Number(pattern.exec(data)![1]));
      });
    };
    onButton(/^cu:(\d{1,9})$/, async (ctx, itemId) =>
      reply(ctx, deps, await content.unlockWithCredits(profileOf(ctx.from!), itemId)),
    );
    onButton(/^lib:s:(\d{1,9})$/, async (ctx, itemId) =>
      reply(ctx, deps, await content.resend(profileOf(ctx.from!), itemId)),
    );
    onButton(/^lib:p:(\d{1,6})$/, async (ctx, page) => {
      await toast(ctx, deps);
      const view = await content.library(profileOf(ctx.from!), page);
      const messageId = (ctx.callbackQuery?.message as { message_id: number } | undefined)
        ?.message_id;
      await send(ctx, deps, [view], messageId);
    });
    onButton(/^cp:(\d{1,9})$/, async (ctx, itemId) => {
      const fan = profileOf(ctx.from!);
      const item = await content.getItem(itemId);
      const t = deps.fan.templates.forLanguage(fan.languageCode);
      if (!item || !deps.payments) {
        return reply(ctx, deps, { toast: t('content.checkout.unavailable') });
      }
      const result = await deps.payments.contentCheckout(fan, item);
      await toast(ctx, deps, result.toast);
      if (result.reply) await send(ctx, deps, [result.reply]);
    });

    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private' || commandOf(ctx.message) !== 'library') return next();
      await send(ctx, deps, [await content.library(profileOf(ctx.from), 0)]);
    });

    bot.use(async (ctx, next) => {
      const bought = (ctx.update as { purchased_paid_media?: PaidMediaPurchased })
        .purchased_paid_media;
      if (!bought) return next();
      await content.starsPurchased(profileOf(bought.from), bought.paid_media_payload);
    });
  },
};

interface PaidMediaPurchased {
  from: { id: number; first_name: string; language_code?: string };
  paid_media_payload: string;
}
