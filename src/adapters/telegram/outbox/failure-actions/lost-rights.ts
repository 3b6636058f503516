import { describeLostRights } from '../../../../core/traffic/group-access.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction } from './context.js';

/**
 * The bot was removed from the group or lost its rights there. In the admin group the jobs
 * wait: the group's lane pauses until the rights come back (adapters/telegram/group-access),
 * so no paid message is lost. In an overflow admin group (ADMIN_CHAT_IDS) they wait too,
 * retried every group window, and the owners are alerted (the group access watch and its
 * pause are the primary group's). Anywhere else they cannot be delivered.
 */
export const waitForGroupRights: FailureAction<'lost_rights'> = async (ctx, decision) => {
  const access = ctx.deps.groupAccess;
  if (ctx.chatId !== ctx.deps.adminChatId && ctx.deps.adminChatIds?.includes(ctx.chatId)) {
    ctx.log.warn({ reason: decision.reason }, 'overflow admin group lost: the job waits');
    await ctx.deps.alerts.raise({
      key: `overflow_group_lost:${ctx.chatId}`,
      severity: 'critical',
      text:
        `The bot cannot post in the overflow admin group ${ctx.chatId} (${decision.reason}). ` +
        'Messages of the fans who live there wait and go out once it can: make the bot an ' +
        'admin of that group again with the "Manage Topics" right, then run `premiumbot doctor`.',
    });
    await ctx.deps.store.retry(ctx.jobIds, {
      countAttempt: false,
      availableAt: new Date(Date.now() + ctx.deps.sender.scheduler.rules.group.windowMs),
      error: decision.reason,
    });
    return;
  }
  if (ctx.chatId !== ctx.deps.adminChatId || !access) {
    await finishUndelivered(ctx.deps, ctx.jobs, 'failed', 'blocked', decision.reason);
    return;
  }
  ctx.log.warn({ reason: decision.reason }, 'admin group lost: the job waits for the rights');
  // Paused first, so the jobs put back are not claimed again before it is in place.
  await access.lostByCall(describeLostRights(decision.reason));
  await ctx.deps.store.retry(ctx.jobIds, {
    countAttempt: false,
    availableAt: new Date(),
    error: decision.reason,
  });
};
