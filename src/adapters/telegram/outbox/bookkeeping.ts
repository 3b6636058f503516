/** Writing down what became of claimed jobs: put back untouched, or delivered. */
import type { OutboxJob, OutboxOutcome, OutboxStore } from '../../../core/traffic/outbox.js';
import type { OutboxWorkerDeps } from './deps.js';

/** The ids of `jobs`, in order. */
export function ids(jobs: readonly OutboxJob[]): number[] {
  return jobs.map((j) => j.id);
}

/** Back to the queue without counting an attempt (never sent: budget, shutdown, batching). */
export async function putBack(
  store: OutboxStore,
  jobs: readonly OutboxJob[],
  reason: string,
  delayMs = 0,
): Promise<void> {
  await store.retry(ids(jobs), {
    countAttempt: false,
    availableAt: new Date(Date.now() + delayMs),
    error: reason,
  });
}

/** Ends `jobs` without delivery, with their follow-ups (refund, notices) when wired. */
export async function finishUndelivered(
  deps: Pick<OutboxWorkerDeps, 'store' | 'closeUndelivered'>,
  jobs: readonly OutboxJob[],
  status: 'failed' | 'dead',
  outcome: OutboxOutcome,
  error: string,
): Promise<void> {
  if (deps.closeUndelivered) await deps.closeUndelivered(jobs, { status, outcome, error });
  else await deps.store.finish(ids(jobs), status, outcome, error);
}

/** Marks `jobs` sent with the message ids Telegram returned, tells the hook, counts relays. */
export async function recordDelivery(
  deps: Pick<OutboxWorkerDeps, 'store' | 'onDelivered' | 'logger' | 'metrics'>,
  jobs: readonly OutboxJob[],
  result: unknown,
): Promise<void> {
  const messageIds = messageIdsOf(result, jobs.length);
  await deps.store.markSent(ids(jobs), messageIds);
  if (deps.onDelivered) {
    await deps
      .onDelivered(jobs, messageIds)
      .catch((err: unknown) =>
        deps.logger.warn({ err, jobId: jobs[0]!.id }, 'delivery hook failed'),
      );
  }
  for (const job of jobs) {
    if (job.kind.startsWith('relay.')) deps.metrics.relays.inc({ direction: job.kind.slice(6) });
  }
}

/** The message ids a send returned, one per job (null when Telegram skipped some of a batch). */
function messageIdsOf(result: unknown, count: number): (number | null)[] {
  if (Array.isArray(result)) {
    if (result.length !== count) return Array.from({ length: count }, () => null);
    return result.map((r) =>
      typeof (r as { message_id?: unknown }).message_id === 'number'
        ? (r as { message_id: number }).message_id
        : null,
    );
  }
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return [typeof id === 'number' ? id : null];
}
