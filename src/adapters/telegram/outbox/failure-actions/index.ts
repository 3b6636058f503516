/**
 * The outbox's failure actions, one per decision of `core/traffic/delivery-policy.ts`: the
 * policy decides what a failed call means, the action listed here carries it out.
 */
import { decideFailure, type FailureDecision } from '../../../../core/traffic/delivery-policy.js';
import type { OutboxJob } from '../../../../core/traffic/outbox.js';
import type { BotApiError } from '../../bot-api.js';
import { ids } from '../bookkeeping.js';
import type { OutboxWorkerDeps } from '../deps.js';
import { stopForBlockedFan } from './blocked.js';
import type { FailureAction, FailureContext, WorkerControls } from './context.js';
import { dropRefusedJob } from './drop.js';
import { waitForGroupRights } from './lost-rights.js';
import { followMigratedChat } from './migrated.js';
import { waitOutRateLimit } from './rate-limited.js';
import { retryWithBackoff } from './retry.js';
import { recreateMissingThread } from './thread-missing.js';
import { setAsideAsUncertain } from './uncertain.js';
import { acceptUnchanged } from './unchanged.js';

export { setAsideUncertain } from './uncertain.js';
export type { WorkerControls } from './context.js';

const FAILURE_ACTIONS: { [A in FailureDecision['action']]: FailureAction<A> } = {
  rate_limited: waitOutRateLimit,
  retry: retryWithBackoff,
  uncertain: setAsideAsUncertain,
  blocked: stopForBlockedFan,
  lost_rights: waitForGroupRights,
  thread_missing: recreateMissingThread,
  migrated: followMigratedChat,
  unchanged: acceptUnchanged,
  drop: dropRefusedJob,
};

/** A call that failed with a Bot API error (a network failure included). */
export interface FailedCall {
  jobs: OutboxJob[];
  method: string;
  threadId: number | undefined;
  error: BotApiError;
}

/** Asks the delivery policy what the failure means and carries the decision out. */
export function handleFailure(
  deps: OutboxWorkerDeps,
  worker: WorkerControls,
  failed: FailedCall,
): Promise<void> {
  const { jobs, method } = failed;
  const head = jobs[0]!;
  const jobIds = ids(jobs);
  const chatId = head.target.chatId;
  const decision = decide(failed);
  const log = deps.logger.child({
    jobId: head.id,
    jobs: jobIds.length,
    kind: head.kind,
    method,
    chatId,
  });
  const now = deps.sender.clock();
  const ctx: FailureContext = { ...failed, deps, worker, head, jobIds, chatId, log, now };
  // The table pairs each action with its own decision type; TypeScript cannot follow that
  // correlation through an indexed access, hence the widening.
  const action = FAILURE_ACTIONS[decision.action] as FailureAction<FailureDecision['action']>;
  return action(ctx, decision);
}

/**
 * The policy's decision about the call that failed. A call made to prepare the jobs (opening
 * the fan's topic) that may have gone through did not send the jobs themselves: they are
 * retried, at worst next to an empty topic, rather than set aside as if they had been sent.
 */
function decide(failed: FailedCall): FailureDecision {
  const decision = decideFailure(failed.error.method, failed.error.failure);
  if (decision.action === 'uncertain' && failed.error.method !== failed.method) {
    return { action: 'retry', reason: `${failed.error.method}: ${decision.reason}` };
  }
  return decision;
}
