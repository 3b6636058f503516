/**
 * Answers for what the payments feature owns, until it is registered (before this one in
 * the registry, it answers first): `buy:<id>` buttons, /billing and /autorecharge say that
 * payments are not set up yet. Any other command in a private chat gets the help text.
 */
import { commandOf } from '../../../core/relay/message-kind.js';
import { fanNotice } from '../../../core/relay/notices.js';
import type { Feature } from '../bot-deps.js';

export const paymentsFallbackFeature: Feature = {
  name: 'payments-fallback',
  register(bot, deps) {
    bot.action(/^buy:/, async (ctx) => {
      const t = deps.fan.templates.forLanguage(ctx.from.language_code);
      await deps.sender
        .send(
          'answerCallbackQuery',
          {
            callback_query_id: ctx.callbackQuery.id,
            text: t('payments_unavailable'),
            show_alert: true,
          },
          { maxAttempts: 2 },
        )
        .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
    });

    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private') return next();
      const command = commandOf(ctx.message);
      if (command === null) return next();
      const t = deps.fan.templates.forLanguage(ctx.from.language_code);
      const text =
        command === 'billing' || command === 'autorecharge' ? t('payments_unavailable') : t('help');
      await deps.outbox.enqueue([
        fanNotice(ctx.from.id, text, { dedupeKey: `command:${ctx.update.update_id}` }),
      ]);
      deps.wakeOutbox();
    });
  },
};
