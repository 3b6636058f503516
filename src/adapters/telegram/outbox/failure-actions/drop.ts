import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction } from './context.js';

/** Telegram refused the call for good: the jobs end `failed`/`dropped`. */
export const dropRefusedJob: FailureAction<'drop'> = async (ctx, decision) => {
  ctx.log.warn({ reason: decision.reason }, 'Telegram refused an outbox job');
  await finishUndelivered(ctx.deps, ctx.jobs, 'failed', 'dropped', decision.reason);
};
