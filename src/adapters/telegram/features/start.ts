/**
 * Onboarding: /start shows a welcome with a single ▶️ Start button; pressing it shows the
 * products with their `buy:<id>` buttons. Deep links back from checkout (`/start paid_…`,
 * `/start cancel_…`) show the balance or a friendly note. /buy, /balance and /help too.
 */
import type { Context } from 'telegraf';
import { fanNotice } from '../../../core/relay/notices.js';
import { balanceText, productListJob, profileOf } from '../fan-texts.js';
import { START_CALLBACK, startKeyboard } from '../../../core/keyboards.js';
import type { BotDeps } from '../bot-deps.js';
import type { Feature } from '../bot-deps.js';

function isPrivate(ctx: Context): boolean {
  return ctx.chat?.type === 'private' && ctx.from !== undefined;
}

/** Sends the fan their balance (also used by the checkout deep link). */
async function sendBalance(ctx: Context, deps: BotDeps, intro?: string): Promise<void> {
  const fx = deps.fan;
  const from = ctx.from!;
  await fx.accounts.ensure(profileOf(from));
  const account = await fx.accounts.get(from.id);
  if (!account) return;
  const t = fx.templates.forLanguage(from.language_code);
  const settings = await fx.settings.getAll();
  const text = balanceText(account, t, settings, fx.now());
  await deps.outbox.enqueue([
    fanNotice(from.id, intro ? `${intro}\n\n${text}` : text, {
      dedupeKey: `balance:${ctx.update.update_id}`,
    }),
  ]);
  deps.wakeOutbox();
}

async function sendProducts(ctx: Context, deps: BotDeps): Promise<void> {
  const fx = deps.fan;
  const from = ctx.from!;
  const t = fx.templates.forLanguage(from.language_code);
  const [products, settings] = await Promise.all([
    fx.products.activeProducts(),
    fx.settings.getAll(),
  ]);
  await deps.outbox.enqueue([
    productListJob(from.id, products, t, settings, `products:${ctx.update.update_id}`),
  ]);
  deps.wakeOutbox();
}

export const startFeature: Feature = {
  name: 'start',
  register(bot, deps) {
    bot.start(async (ctx, next) => {
      if (!isPrivate(ctx)) return next();
      const fx = deps.fan;
      const from = ctx.from;
      const t = fx.templates.forLanguage(from.language_code);
      const payload = ctx.payload.trim();
      if (payload.startsWith('paid_')) return sendBalance(ctx, deps, t('paid_return'));
      await fx.accounts.ensure(profileOf(from));
      const cancelled = payload.startsWith('cancel_');
      const text = cancelled ? t('cancel_return') : t('welcome', { name: from.first_name });
      await deps.outbox.enqueue([
        fanNotice(from.id, text, {
          keyboard: startKeyboard(t),
          dedupeKey: `start:${ctx.update.update_id}`,
        }),
      ]);
      deps.wakeOutbox();
    });

    bot.action(START_CALLBACK, async (ctx) => {
      await deps.sender
        .send(
          'answerCallbackQuery',
          { callback_query_id: ctx.callbackQuery.id },
          { maxAttempts: 2 },
        )
        .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
      if (ctx.chat?.type !== 'private') return;
      await sendProducts(ctx, deps);
    });

    bot.command('buy', async (ctx, next) => {
      if (!isPrivate(ctx)) return next();
      await sendProducts(ctx, deps);
    });

    bot.command('balance', async (ctx, next) => {
      if (!isPrivate(ctx)) return next();
      await sendBalance(ctx, deps);
    });

    bot.command('help', async (ctx, next) => {
      if (!isPrivate(ctx)) return next();
      const t = deps.fan.templates.forLanguage(ctx.from.language_code);
      await deps.outbox.enqueue([
        fanNotice(ctx.from.id, t('help'), { dedupeKey: `help:${ctx.update.update_id}` }),
      ]);
      deps.wakeOutbox();
    });
  },
};
