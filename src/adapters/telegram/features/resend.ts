/**
 * 🔁 Resend, for the team members with `inbox:resend` (owners and admins): the button posted in a fan's topic when
 * Telegram never confirmed that their message(s) arrived (`uncertain`). A tap queues the
 * relays again (core/relay/resend.ts: once per job, whoever taps and however often) and
 * tells the topic who resent them.
 */
import { parseResendCallback } from '../../../core/relay/undelivered.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import { inAdminGroup, type BotDeps, type Feature } from '../bot-deps.js';

async function answer(deps: BotDeps, queryId: string, text: string): Promise<void> {
  await deps.sender
    .send('answerCallbackQuery', { callback_query_id: queryId, text }, { maxAttempts: 2 })
    .catch((err: unknown) => deps.logger.debug({ err }, 'callback answer failed'));
}

export const resendFeature: Feature = {
  name: 'resend',
  register(bot, shared) {
    bot.action(/^resend:/, async (ctx) => {
      // The topic's own group (a fan in an overflow group is resent from there).
      const deps = inAdminGroup(shared, ctx.chat?.id) ?? shared;
      const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
      const query = ctx.callbackQuery;
      const range = 'data' in query ? parseResendCallback(query.data) : null;
      const actor = range ? await deps.admins.permit(ctx, 'inbox:resend') : null;
      if (!range || !actor) {
        return answer(deps, query.id, t('card.admins_only'));
      }
      const message = query.message as { message_thread_id?: number } | undefined;
      const fanId = await deps.fans.fanOfTopic(deps.adminChatId, message?.message_thread_id ?? 0);
      if (fanId === null) return answer(deps, query.id, t('relay.resend_done'));
      const result = await deps.relay.resendUncertain(fanId, range.fromJobId, range.toJobId);
      if (result.kind === 'nothing') return answer(deps, query.id, t('relay.resend_done'));
      await deps.outbox.enqueue([
        {
          kind: 'notice.topic',
          target: { type: 'topic', chatId: deps.adminChatId, fanId },
          method: 'sendMessage',
          params: { text: t('relay.resent', { admin: ctx.from.first_name, count: result.count }) },
          priority: PRIORITY.teamAnswer,
          fanId,
          dedupeKey: `resent:${range.fromJobId}:${range.toJobId}`,
        },
      ]);
      deps.wakeOutbox();
      return answer(deps, query.id, t('relay.resend_answer'));
    });
  },
};
