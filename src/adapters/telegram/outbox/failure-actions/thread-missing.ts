import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction, FailureContext } from './context.js';

/**
 * The forum topic is gone: a fan's topic is recreated (or the alerts topic forgotten) once
 * per job and the jobs resent; a second time, or any other thread, drops them.
 */
export const recreateMissingThread: FailureAction<'thread_missing'> = async (ctx, decision) => {
  const { head, threadId, jobs } = ctx;
  const recreatedFor = ctx.worker.recreatedFor;
  const fresh = jobs.every((j) => !recreatedFor.has(j.id));
  if (head.target.type === 'topic' && threadId !== undefined && fresh) {
    for (const j of jobs) recreatedFor.add(j.id);
    try {
      await ctx.deps.topics.recreate(
        head.target.fanId,
        threadId,
        ctx.worker.signal,
        head.target.chatId,
      );
    } catch (cause) {
      ctx.log.warn({ err: cause }, 'topic recreation failed; will retry');
      for (const j of jobs) recreatedFor.delete(j.id);
    }
    return resendNow(ctx, decision.reason);
  }
  if (head.kind === 'alert' && threadId !== undefined && fresh) {
    for (const j of jobs) recreatedFor.add(j.id);
    await ctx.deps.topics.forgetAlertsTopic(threadId);
    return resendNow(ctx, decision.reason);
  }
  await finishUndelivered(ctx.deps, ctx.jobs, 'failed', 'dropped', decision.reason);
};

/** Back to the queue at once, not counted as an attempt. */
export async function resendNow(ctx: FailureContext, error: string): Promise<void> {
  await ctx.deps.store.retry(ctx.jobIds, { countAttempt: false, availableAt: new Date(), error });
}
