import type { FailureAction } from './context.js';

/** Telegram refused the call for good: the jobs end `failed`/`dropped`. */
export const dropRefusedJob: FailureAction<'drop'> = async (ctx, decision) => {
  ctx.log.warn({ reason: decision.reason }, 'Telegram refused an outbox job');
  await ctx.deps.store.finish(ctx.jobIds, 'failed', 'dropped', decision.reason);
};
