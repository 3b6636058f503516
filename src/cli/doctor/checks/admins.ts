import { PremiumbotError } from '../../../core/errors.js';
import { fail, pass, warn, type DoctorCheck } from '../types.js';

/** The owners of ADMIN_USER_IDS are members of the admin group (they answer fans there). */
export const adminsCheck: DoctorCheck = {
  id: 'admins',
  title: 'owners in the admin group',
  after: ['admin-group'],
  async run(ctx) {
    const { adminChatId, adminUserIds } = ctx.config!;
    if (adminUserIds.length === 0)
      return fail(
        'ADMIN_USER_IDS is empty: nobody can use the admin commands',
        'Run `premiumbot setup admins`.',
      );
    const outside: number[] = [];
    for (const adminId of adminUserIds) {
      try {
        const member = await ctx.telegram!.getChatMember(adminChatId!, adminId);
        if (member.status === 'left' || member.status === 'kicked') outside.push(adminId);
      } catch (err) {
        if (!(err instanceof PremiumbotError)) throw err;
        outside.push(adminId);
      }
    }
    if (outside.length > 0) {
      return warn(
        `not in the admin group: ${outside.join(', ')}`,
        'Invite them to the group, or fix ADMIN_USER_IDS (`premiumbot setup admins`).',
      );
    }
    return pass(`${adminUserIds.length} owner(s), all in the group`);
  },
};
