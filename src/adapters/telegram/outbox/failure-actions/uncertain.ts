import type { OutboxJob } from '../../../../core/traffic/outbox.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { OutboxWorkerDeps } from '../deps.js';
import type { FailureAction } from './context.js';
import { fanOfJob, uncertainText } from './texts.js';

/** A send that may have happened: never resent (unless idempotent), always reported. */
export async function setAsideUncertain(
  deps: Pick<
    OutboxWorkerDeps,
    'store' | 'closeUndelivered' | 'metrics' | 'logger' | 'alerts' | 'fans'
  >,
  jobs: readonly OutboxJob[],
  reason: string,
): Promise<void> {
  const head = jobs[0]!;
  await finishUndelivered(deps, jobs, 'failed', 'uncertain', reason);
  deps.metrics.sends.inc({ result: 'uncertain' }, jobs.length);
  deps.logger.warn(
    { jobId: head.id, jobs: jobs.length, kind: head.kind, reason },
    'outcome unknown: not resent',
  );
  const fan = await fanOfJob(deps.fans, head);
  await deps.alerts.raise({
    key: `uncertain:${head.kind}:${head.fanId ?? ''}`,
    severity: 'warning',
    text: uncertainText(head, jobs.length, fan, reason),
  });
}

/** The call may have reached Telegram: set aside and reported, not resent. */
export const setAsideAsUncertain: FailureAction<'uncertain'> = (ctx, decision) =>
  setAsideUncertain(ctx.deps, ctx.jobs, decision.reason);
