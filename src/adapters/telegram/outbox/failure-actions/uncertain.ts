import type { OutboxJob } from '../../../../core/traffic/outbox.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { OutboxWorkerDeps } from '../deps.js';
import type { FailureAction } from './context.js';

/** A send that may have happened: never resent (unless idempotent), always reported. */
export async function setAsideUncertain(
  deps: Pick<OutboxWorkerDeps, 'store' | 'closeUndelivered' | 'metrics' | 'logger' | 'alerts'>,
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
  const fan = head.fanId === null ? '' : ` for fan ${head.fanId}`;
  await deps.alerts.raise({
    key: `uncertain:${head.kind}`,
    severity: 'warning',
    text:
      `Telegram did not confirm job #${head.id} (${head.kind}${fan}, ${jobs.length} message(s)): ${reason}. ` +
      'It was not resent, to avoid a duplicate; check the chat and resend by hand if it is missing.',
  });
}

/** The call may have reached Telegram: set aside and reported, not resent. */
export const setAsideAsUncertain: FailureAction<'uncertain'> = (ctx, decision) =>
  setAsideUncertain(ctx.deps, ctx.jobs, decision.reason);
