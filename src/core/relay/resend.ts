/**
 * The team's one-tap Resend of fan relays whose delivery Telegram never confirmed
 * (`uncertain`): each such job is queued again as a new outbox job keyed `resend:<job id>`,
 * so a double tap, or two admins tapping at once, resends once. The new job carries the
 * original spend key: if it then fails for good the fan gets the credits back, once.
 * Who may tap is the Telegram feature's check.
 */
import type { NewOutboxJob, OutboxJob } from '../traffic/outbox.js';
import type { ResendDeps } from './ports.js';

/** What a tap on Resend did. */
export type ResendResult =
  | { kind: 'resent'; fanId: number; count: number }
  /** Every job of the range was resent before (or none was uncertain). */
  | { kind: 'nothing' };

/** The dedupe key of the job that resends `jobId`. */
export function resendKey(jobId: number): string {
  return `resend:${jobId}`;
}

function again(job: OutboxJob, fanId: number): NewOutboxJob {
  return {
    kind: job.kind,
    target: job.target,
    method: job.method,
    params: job.params,
    priority: job.priority,
    fanId,
    dedupeKey: resendKey(job.id),
    ...(job.spendKey === null ? {} : { spendKey: job.spendKey }),
  };
}

/** Builds `resend(fanId, fromJobId, toJobId)` over the store. */
export function createResendHandler(
  deps: ResendDeps,
): (fanId: number, fromJobId: number, toJobId: number) => Promise<ResendResult> {
  return async function resend(fanId, fromJobId, toJobId) {
    const jobs = await deps.store.uncertainRelays(fanId, fromJobId, toJobId);
    if (jobs.length === 0) return { kind: 'nothing' };
    const fresh = await deps.store.enqueueResends(jobs.map((job) => again(job, fanId)));
    if (fresh === 0) return { kind: 'nothing' };
    deps.wake();
    return { kind: 'resent', fanId, count: fresh };
  };
}
