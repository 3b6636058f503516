/** The bot itself: getMe, logOut, close. */
import type { MethodTable } from '../deps.js';

export const botMethods: MethodTable = {
  getMe: ({ world }) => ({
    ...world.bot,
    can_join_groups: world.bot.can_join_groups ?? true,
    can_read_all_group_messages: world.bot.can_read_all_group_messages ?? false,
    supports_inline_queries: world.bot.supports_inline_queries ?? false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),
  logOut: () => true,
  close: () => true,
};
