/**
 * Payments in the fan's private chat: `buy:<productId>` buttons (Checkout), `stars:<productId>`
 * buttons and Telegram Stars' pre-checkout and payments (`stars.ts`), /buy<N>
 * quick-buy with its one-tap confirmation (`qb:` / `qbx:`), /billing (portal) and
 * /autorecharge with its buttons (`ar:…`), /paysupport and /terms (`payments-support.ts`). Registered before the fan side's
 * fallback, so it answers first; bare /buy (the product list) is left to `start`.
 * Replies go through the outbox; button toasts are answered directly.
 */
import type { Context } from 'telegraf';
import type { FanProfile } from '../../../core/fan.js';
import type { FanReply } from '../../../core/payments/ports.js';
import {
  renderReply,
  type CommandResult,
  type PaymentCommands,
} from '../../../core/payments/service.js';
import { commandOf } from '../../../core/relay/message-kind.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { BotDeps, Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';
import { registerPaySupport } from './payments-support.js';
import { registerStars, sendInvoiceOf } from './stars.js';

async function answer(ctx: Context, deps: BotDeps, toast?: string): Promise<void> {
  const query = ctx.callbackQuery;
  if (!query) return;
  await deps.sender
    .send(
      'answerCallbackQuery',
      { callback_query_id: query.id, ...(toast ? { text: toast } : {}) },
      { maxAttempts: 2 },
    )
    .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
}

async function sendReply(ctx: Context, deps: BotDeps, reply: FanReply): Promise<void> {
  await deps.outbox.enqueue([
    {
      kind: 'notice.payment',
      target: { type: 'chat', chatId: ctx.from!.id },
      method: 'sendMessage',
      params: renderReply(reply),
      priority: PRIORITY.payment,
      fanId: ctx.from!.id,
      dedupeKey: `payments:${ctx.update.update_id}`,
    },
  ]);
  deps.wakeOutbox();
}

/** Replaces the menu the button belongs to, unless nothing changed (Telegram refuses that). */
async function editMenu(ctx: Context, deps: BotDeps, reply: FanReply): Promise<void> {
  const message = ctx.callbackQuery?.message as
    { message_id: number; text?: string; reply_markup?: unknown } | undefined;
  if (!message) return sendReply(ctx, deps, reply);
  const params = renderReply(reply);
  const same =
    message.text === reply.text &&
    JSON.stringify(message.reply_markup ?? null) === JSON.stringify(params.reply_markup ?? null);
  if (same) return;
  await deps.outbox.enqueue([
    {
      kind: 'notice.payment',
      target: { type: 'chat', chatId: ctx.from!.id },
      method: 'editMessageText',
      params: { message_id: message.message_id, ...params },
      priority: PRIORITY.payment,
      fanId: ctx.from!.id,
      dedupeKey: `payments:${ctx.update.update_id}`,
    },
  ]);
  deps.wakeOutbox();
}

export const paymentsFeature: Feature = {
  name: 'payments',
  register(bot, deps) {
    // Telegram requires both of any bot that sells; they answer even without payments.
    registerPaySupport(bot, deps);
    const payments: PaymentCommands | undefined = deps.payments;
    if (!payments) return;

    const onButton = (
      pattern: RegExp,
      run: (fan: FanProfile, match: RegExpExecArray) => Promise<CommandResult>,
      mode: 'send' | 'edit' = 'send',
    ) => {
      bot.action(pattern, async (ctx) => {
        if (ctx.chat?.type !== 'private') return answer(ctx, deps);
        const match = pattern.exec((ctx.callbackQuery as { data?: string }).data ?? '')!;
        const result = await run(profileOf(ctx.from!), match);
        await answer(ctx, deps, result.toast);
        await sendInvoiceOf(ctx, deps, result);
        if (!result.reply) return;
        if (mode === 'edit') await editMenu(ctx, deps, result.reply);
        else await sendReply(ctx, deps, result.reply);
      });
    };

    onButton(/^buy:(\d+)$/, (fan, m) => payments.buy(fan, Number(m[1])));
    onButton(/^stars:(\d+)$/, (fan, m) => payments.buyWithStars(fan, Number(m[1])));
    onButton(/^qb:(\d+)$/, (fan, m) => payments.confirmQuickBuy(fan, Number(m[1])));
    onButton(/^qbx:(\d+)$/, (fan, m) => payments.cancelQuickBuy(fan, Number(m[1])));
    onButton(
      /^ar:(on|off)$/,
      (fan, m) => payments.autoRecharge(fan, { type: m[1] as 'on' | 'off' }),
      'edit',
    );
    onButton(
      /^ar:p:(\d+)$/,
      (fan, m) => payments.autoRecharge(fan, { type: 'product', productId: Number(m[1]) }),
      'edit',
    );
    onButton(
      /^ar:t:(\d+)$/,
      (fan, m) => payments.autoRecharge(fan, { type: 'threshold', value: Number(m[1]) }),
      'edit',
    );

    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private') return next();
      const command = ctx.message ? commandOf(ctx.message) : null;
      if (command === null) return next();
      const fan = profileOf(ctx.from!);
      let result: CommandResult;
      const quick = /^buy(\d{1,6})$/.exec(command);
      if (quick) result = await payments.quickBuy(fan, Number(quick[1]));
      else if (command === 'billing') result = await payments.billing(fan);
      else if (command === 'autorecharge') result = await payments.autoRechargeMenu(fan);
      else return next();
      await sendInvoiceOf(ctx, deps, result);
      if (result.reply) await sendReply(ctx, deps, result.reply);
    });
    registerStars(bot, deps, payments);
  },
};
