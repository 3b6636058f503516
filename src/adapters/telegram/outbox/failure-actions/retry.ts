import {
  DEFAULT_BACKOFF,
  MAX_ATTEMPTS,
  backoffMs,
} from '../../../../core/traffic/delivery-policy.js';
import { simulatedSecondsToMs } from '../../../../core/traffic/limits.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction } from './context.js';
import { fanOfJob, gaveUpText } from './texts.js';

/** Certainly not delivered: again after a backoff, or given up (`dead`) and reported. */
export const retryWithBackoff: FailureAction<'retry'> = async (ctx, decision) => {
  const { store, alerts, sender } = ctx.deps;
  const attempts = ctx.head.attempts + 1;
  if (attempts >= MAX_ATTEMPTS) {
    await finishUndelivered(ctx.deps, ctx.jobs, 'dead', 'gave_up', decision.reason);
    ctx.log.error({ attempts }, 'outbox job given up');
    const fan = await fanOfJob(ctx.deps.fans, ctx.head);
    await alerts.raise({
      key: `gave_up:${ctx.head.kind}`,
      severity: 'warning',
      text: gaveUpText(ctx.head, fan, attempts, decision.reason),
    });
    return;
  }
  const delay = backoffMs(attempts, { ...DEFAULT_BACKOFF, random: ctx.worker.random });
  const real = simulatedSecondsToMs(delay / 1000, sender.limits);
  ctx.log.warn({ attempts, reason: decision.reason }, 'outbox job will be retried');
  await store.retry(ctx.jobIds, {
    countAttempt: true,
    availableAt: new Date(Date.now() + real),
    error: decision.reason,
  });
};
