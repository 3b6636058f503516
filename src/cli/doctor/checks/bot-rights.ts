import { PremiumbotError } from '../../../core/errors.js';
import { perAdminGroup } from '../admin-groups.js';
import {
  fail,
  pass,
  skip,
  warn,
  type CheckResult,
  type DoctorCheck,
  type DoctorContext,
} from '../types.js';

/** The bot is an admin of each admin group with the Manage Topics right. */
export const botRightsCheck: DoctorCheck = {
  id: 'bot-rights',
  title: 'bot rights in the admin group',
  after: ['admin-group'],
  async run(ctx) {
    if (ctx.config!.adminChatId === undefined) return skip('ADMIN_CHAT_ID is not set');
    return perAdminGroup(ctx, (chatId) => rightsCheck(ctx, chatId));
  },
};

/** One group's part of the check. */
async function rightsCheck(ctx: DoctorContext, chatId: number): Promise<CheckResult> {
  try {
    const member = await ctx.telegram!.getChatMember(chatId, ctx.me!.id);
    if (member.status !== 'administrator' && member.status !== 'creator') {
      return fail(
        `the bot is "${member.status}", not an admin`,
        'Make the bot an admin of the group with the "Manage Topics" right.',
      );
    }
    if (member.status === 'administrator' && !member.can_manage_topics) {
      return fail(
        'the bot is an admin without the "Manage Topics" right',
        'Edit the bot\'s admin rights in the group and turn on "Manage Topics".',
      );
    }
    if (member.status === 'administrator' && !member.can_pin_messages) {
      return warn(
        'admin with Manage Topics, but cannot pin messages',
        'Turn on "Pin Messages" so the bot can pin each fan\'s summary in their topic.',
      );
    }
    return pass('admin with Manage Topics');
  } catch (err) {
    if (err instanceof PremiumbotError)
      return fail(err.message, err.hint ?? 'Run `premiumbot setup admin-group`.');
    throw err;
  }
}
