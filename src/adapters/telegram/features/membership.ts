/** A fan blocking or unblocking the bot (my_chat_member in a private chat). */
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

export const membershipFeature: Feature = {
  name: 'membership',
  register(bot, deps) {
    bot.on('my_chat_member', async (ctx, next) => {
      const update = ctx.myChatMember;
      if (update.chat.type !== 'private') return next();
      const fanId = update.chat.id;
      const status = update.new_chat_member.status;
      const blocked = status === 'kicked' || status === 'left';
      await deps.fans.ensure({ ...profileOf(update.from), id: fanId });
      if (!(await deps.fans.setBlocked(fanId, blocked))) return;
      deps.logger.info(
        { fanId, blocked },
        blocked ? 'fan blocked the bot' : 'fan unblocked the bot',
      );
      await deps.outbox.enqueue([
        {
          kind: 'notice.topic',
          target: { type: 'topic', chatId: deps.adminChatId, fanId },
          method: 'sendMessage',
          params: {
            text: blocked
              ? '🚫 This fan blocked the bot. Replies are not delivered until they start it again.'
              : '✅ This fan started the bot again; replies are delivered.',
          },
          priority: PRIORITY.teamAnswer,
          fanId,
          dedupeKey: `membership:${ctx.update.update_id}`,
        },
      ]);
      deps.wakeOutbox();
    });
  },
};
