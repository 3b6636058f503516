import { PremiumbotError } from '../../../core/errors.js';
import { fail, pass, skip, type DoctorCheck } from '../types.js';

/** ADMIN_CHAT_ID is a forum supergroup the bot can see. */
export const adminGroupCheck: DoctorCheck = {
  id: 'admin-group',
  title: 'admin group',
  after: ['telegram-token'],
  async run(ctx) {
    const chatId = ctx.config!.adminChatId;
    if (chatId === undefined) return skip('ADMIN_CHAT_ID is not set');
    try {
      const chat = await ctx.telegram!.getChat(chatId);
      if (chat.type !== 'supergroup' || !chat.is_forum) {
        return fail(
          `"${chat.title ?? chatId}" is not a forum`,
          'Turn on Topics in the group settings, then run `premiumbot setup admin-group` (the id may change).',
        );
      }
      return pass(`"${chat.title ?? ''}" (${chatId}) is a forum supergroup`);
    } catch (err) {
      if (err instanceof PremiumbotError)
        return fail(err.message, err.hint ?? 'Run `premiumbot setup admin-group`.');
      throw err;
    }
  },
};
