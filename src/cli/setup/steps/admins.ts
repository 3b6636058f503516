import { createOperatorApi } from '../../../adapters/telegram/operator-api.js';
import { askSetting } from '../ask-setting.js';
import type { SetupContext, SetupStep } from '../types.js';

/** The owners: Telegram user ids (the person who sent /link is suggested). */
export const adminsStep: SetupStep = {
  id: 'admins',
  title: 'Owners',
  requires: ['ADMIN_USER_IDS'],
  async run(ctx) {
    ctx.output.out(
      'Owners can use every admin command. Find your id by sending any message to @userinfobot.',
    );
    await askSetting(ctx, 'ADMIN_USER_IDS', {
      message: 'Telegram user ids of the owners (comma-separated)',
      suggested: ctx.facts.linkedBy === undefined ? undefined : String(ctx.facts.linkedBy),
      check: async (value) => {
        const ids = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        return `${ids.length} owner(s): ${ids.join(', ')}`;
      },
    });
    await hintStart(ctx);
  },
};

/**
 * Tells each owner who never pressed Start in a private chat with the bot to do so: alerts
 * cannot reach them there otherwise. A chat action probes it (no message is sent).
 */
async function hintStart(ctx: SetupContext): Promise<void> {
  const config = ctx.answers.config();
  if (!config.botToken || config.adminUserIds.length === 0) return;
  const api = createOperatorApi({ token: config.botToken, apiRoot: config.telegramApiRoot });
  const link = ctx.facts.me?.username ? `https://t.me/${ctx.facts.me.username}` : 'the bot';
  for (const ownerId of config.adminUserIds) {
    const started = await api
      .sendChatAction({ chat_id: ownerId, action: 'typing' })
      .then(() => true)
      .catch(() => false);
    if (!started) {
      ctx.output.out(
        `Owner ${ownerId} has not started the bot yet: they should open ${link} and press Start, ` +
          "or alerts reach them only in the group's Alerts topic.",
      );
    }
  }
}
