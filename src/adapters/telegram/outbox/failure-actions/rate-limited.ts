import { simulatedSecondsToMs } from '../../../../core/traffic/limits.js';
import type { FailureAction } from './context.js';

/** 429: the jobs wait until the chat's pause ends; not counted as an attempt. */
export const waitOutRateLimit: FailureAction<'rate_limited'> = async (ctx, decision) => {
  const { sender, store } = ctx.deps;
  const until = Math.max(
    ctx.now + simulatedSecondsToMs(decision.retryAfterSeconds, sender.limits),
    sender.scheduler.activePauses(ctx.now).find((p) => p.chatId === ctx.chatId)?.until ?? 0,
  );
  ctx.log.debug({ retryAfterSeconds: decision.retryAfterSeconds }, '429: job waits');
  await store.retry(ctx.jobIds, {
    countAttempt: false,
    availableAt: new Date(until),
    error: ctx.error.message,
  });
};
