/** What other instances (or a crashed run) left: persisted chat pauses and abandoned jobs. */
import { IDEMPOTENT_METHODS } from '../../../core/traffic/delivery-policy.js';
import type { OutboxWorkerDeps } from './deps.js';
import { setAsideUncertain } from './failure-actions/index.js';

/** Loads the chat pauses every instance persisted (long 429s) into the sender's scheduler. */
export async function loadPauses(deps: Pick<OutboxWorkerDeps, 'pauses' | 'sender'>): Promise<void> {
  const pauses = await deps.pauses.list(new Date());
  for (const pause of pauses) deps.sender.scheduler.pause(pause.chatId, pause.until, pause.reason);
}

/**
 * Crash recovery (see OutboxStore.recoverAbandoned): jobs never attempted go back to the
 * queue; attempted ones are retried when idempotent, else set aside as uncertain.
 */
export async function recoverAbandoned(deps: OutboxWorkerDeps, all: boolean): Promise<void> {
  const { requeued, attempted } = await deps.store.recoverAbandoned({ all });
  if (requeued > 0)
    deps.logger.info({ requeued }, 'outbox: requeued jobs a stopped worker had claimed');
  for (const job of attempted) {
    if (IDEMPOTENT_METHODS.has(job.method)) {
      await deps.store.retry([job.id], {
        countAttempt: true,
        availableAt: new Date(),
        error: 'recovered',
      });
    } else {
      await setAsideUncertain(deps, [job], 'the worker stopped while the call was in flight');
    }
  }
}
