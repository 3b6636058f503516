/**
 * The bot lives in private chats and the admin group only: it leaves any other group or
 * channel it is added to, and ignores everything that happens there.
 */
import { mayStayInChat } from '../../../core/admin-auth.js';
import type { Feature } from '../bot-deps.js';

export const guardFeature: Feature = {
  name: 'guard',
  register(bot, deps) {
    bot.use(async (ctx, next) => {
      const chat = ctx.chat;
      if (!chat || mayStayInChat(chat, deps.adminChatId, deps.adminChatIds)) return next();
      const member = ctx.myChatMember?.new_chat_member.status;
      if (member === 'left' || member === 'kicked') return;
      deps.logger.warn(
        { chatId: chat.id, chatType: chat.type },
        'leaving a chat that is not the admin group',
      );
      try {
        await deps.sender.send('leaveChat', { chat_id: chat.id }, { maxAttempts: 3 });
      } catch (err) {
        deps.logger.warn({ chatId: chat.id, err }, 'could not leave a foreign chat');
      }
    });
  },
};
