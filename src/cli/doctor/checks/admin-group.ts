import { PremiumbotError } from '../../../core/errors.js';
import { perAdminGroup } from '../admin-groups.js';
import {
  fail,
  pass,
  skip,
  type CheckResult,
  type DoctorCheck,
  type DoctorContext,
} from '../types.js';

/** ADMIN_CHAT_ID (and each of ADMIN_CHAT_IDS) is a forum supergroup the bot can see. */
export const adminGroupCheck: DoctorCheck = {
  id: 'admin-group',
  title: 'admin group',
  after: ['telegram-token'],
  async run(ctx) {
    if (ctx.config!.adminChatId === undefined) return skip('ADMIN_CHAT_ID is not set');
    return perAdminGroup(ctx, (chatId) => forumCheck(ctx, chatId));
  },
};

/** One group's part of the check. */
async function forumCheck(ctx: DoctorContext, chatId: number): Promise<CheckResult> {
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
}
