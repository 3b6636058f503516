import { TelegramApiError } from '../../../adapters/telegram/operator-api.js';
import { pass, skip, warn, type DoctorCheck } from '../types.js';

/**
 * Each owner has pressed Start in a private chat with the bot, so critical alerts reach them
 * there. Probed with a chat action (a second of "typing…", no message, no notification).
 */
export const ownersStartedCheck: DoctorCheck = {
  id: 'owners-started',
  title: 'owners reachable in private',
  after: ['telegram-token'],
  async run(ctx) {
    const owners = ctx.config!.adminUserIds;
    if (owners.length === 0) return skip('ADMIN_USER_IDS is empty');
    const notStarted: number[] = [];
    for (const ownerId of owners) {
      try {
        await ctx.telegram!.sendChatAction({ chat_id: ownerId, action: 'typing' });
      } catch (err) {
        if (!(err instanceof TelegramApiError)) throw err;
        notStarted.push(ownerId);
      }
    }
    if (notStarted.length > 0) {
      const bot = ctx.me?.username ? `https://t.me/${ctx.me.username}` : 'the chat with the bot';
      return warn(
        `not started the bot (alerts reach them only in the group's Alerts topic): ${notStarted.join(', ')}`,
        `Each of them should open ${bot} and press Start.`,
      );
    }
    return pass(`${owners.length} owner(s) get alerts in private`);
  },
};
