/** What other instances (or a crashed run) left: persisted chat pauses and abandoned jobs. */
import { IDEMPOTENT_METHODS } from '../../../core/traffic/delivery-policy.js';
import { OUTAGE_PAUSE_PREFIX } from '../group-access.js';
import type { OutboxWorkerDeps } from './deps.js';
import { setAsideUncertain } from './failure-actions/index.js';

/**
 * The chat pauses every instance persisted (long 429s, a lost admin group), mirrored into
 * this instance's scheduler at each reload. A pause is only ever removed from the store
 * before its end when the admin group is back (group-access.ts): a pause seen persisted at
 * the last reload and gone now was lifted elsewhere, so it is lifted here too — within one
 * reload, not at this instance's own re-check a minute later.
 */
export class PersistedPauses {
  /** The persisted pauses of the last reload: chat id → reason. */
  private seen = new Map<number, string>();

  constructor(private readonly deps: Pick<OutboxWorkerDeps, 'pauses' | 'sender'>) {}

  async reload(): Promise<void> {
    const scheduler = this.deps.sender.scheduler;
    // Outage pauses held before the query: always persisted, so one no longer listed was
    // lifted elsewhere — even one this instance set and saved after its last reload (another
    // instance saw the bot come back in between). One set while the query runs is kept.
    const outagesBefore = new Set(
      scheduler
        .activePauses(this.deps.sender.clock())
        .filter((p) => p.reason.startsWith(OUTAGE_PAUSE_PREFIX)),
    );
    const pauses = await this.deps.pauses.list(new Date());
    const listed = new Map(pauses.map((p) => [p.chatId, p.reason]));
    const active = scheduler.activePauses(this.deps.sender.clock());
    for (const pause of active) {
      if (listed.has(pause.chatId)) continue;
      const seenReason = this.seen.get(pause.chatId);
      // A short 429 pause of this instance's own is kept: only the lifted one goes.
      if (outagesBefore.has(pause) || (seenReason !== undefined && pause.reason === seenReason))
        scheduler.unpause(pause.chatId);
    }
    for (const pause of pauses) scheduler.pause(pause.chatId, pause.until, pause.reason);
    this.seen = listed;
  }
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
