import type { Logger } from '../../../../core/logger.js';
import type { FailureDecision } from '../../../../core/traffic/delivery-policy.js';
import type { OutboxJob } from '../../../../core/traffic/outbox.js';
import type { BotApiError } from '../../bot-api.js';
import type { OutboxWorkerDeps } from '../deps.js';

/** The parts of the worker's state a failure action may use. */
export interface WorkerControls {
  random: () => number;
  /** Jobs whose topic was already recreated once (a second "thread not found" drops them). */
  recreatedFor: Set<number>;
  /** Aborted at shutdown. */
  signal: AbortSignal;
  /** Looks for work now (after an enqueue). */
  wake(): void;
}

/** A failed call of the worker, with everything needed to carry out the decision about it. */
export interface FailureContext {
  deps: OutboxWorkerDeps;
  worker: WorkerControls;
  /** The jobs the call carried (more than one for a batch); the first is the lane's head. */
  jobs: OutboxJob[];
  head: OutboxJob;
  jobIds: number[];
  chatId: number;
  method: string;
  threadId: number | undefined;
  error: BotApiError;
  log: Logger;
  /** The sender's clock when the failure is handled. */
  now: number;
}

/** Carries out one kind of decision of the delivery policy. */
export type FailureAction<A extends FailureDecision['action']> = (
  ctx: FailureContext,
  decision: Extract<FailureDecision, { action: A }>,
) => Promise<void>;
