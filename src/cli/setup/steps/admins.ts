import { askSetting } from '../ask-setting.js';
import type { SetupStep } from '../types.js';

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
  },
};
