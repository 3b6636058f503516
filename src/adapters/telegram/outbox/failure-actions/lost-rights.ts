import { describeLostRights } from '../../../../core/traffic/group-access.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction } from './context.js';

/**
 * The bot was removed from the group or lost its rights there. In the admin group the jobs
 * wait: the group's lane pauses until the rights come back (adapters/telegram/group-access),
 * so no paid message is lost. Anywhere else they cannot be delivered.
 */
export const waitForGroupRights: FailureAction<'lost_rights'> = async (ctx, decision) => {
  const access = ctx.deps.groupAccess;
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
