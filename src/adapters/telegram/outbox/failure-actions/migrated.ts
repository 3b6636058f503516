import type { FailureAction } from './context.js';
import { resendNow } from './thread-missing.js';

/** The group became a supergroup: its jobs follow the new id and the owners are told. */
export const followMigratedChat: FailureAction<'migrated'> = async (ctx, decision) => {
  const { chatId } = ctx;
  const moved = await ctx.deps.store.moveChat(chatId, decision.newChatId);
  ctx.log.error({ newChatId: decision.newChatId, moved }, 'group migrated to a supergroup');
  await ctx.deps.alerts.raise({
    key: `migrated:${chatId}`,
    severity: 'critical',
    text: `Chat ${chatId} became supergroup ${decision.newChatId}. Set ADMIN_CHAT_ID=${decision.newChatId} if it is the admin group, then restart.`,
  });
  await resendNow(ctx, 'migrated');
};
