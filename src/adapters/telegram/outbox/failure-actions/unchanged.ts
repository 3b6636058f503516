import type { FailureAction } from './context.js';

/**
 * "message is not modified": the edit asked for what the message already shows (a double
 * refresh, a retried edit whose first try went through). The job is done, not refused.
 */
export const acceptUnchanged: FailureAction<'unchanged'> = async (ctx) => {
  ctx.log.debug('edit changed nothing: already up to date');
  await ctx.deps.store.markSent(
    ctx.jobIds,
    ctx.jobs.map(() => null),
  );
};
