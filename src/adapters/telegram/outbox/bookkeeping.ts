/** Writing down what became of claimed jobs: put back untouched, or delivered. */
import {
  matchBatchAnswer,
  type OutboxJob,
  type OutboxOutcome,
  type OutboxStore,
  type SourceState,
} from '../../../core/traffic/outbox.js';
import { BotApiError } from '../bot-api.js';
import type { TelegramSender } from '../sender.js';
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

/**
 * Marks `jobs` sent with the message ids Telegram returned, tells the hook, counts relays. A
 * batch Telegram answered with fewer ids skipped sources that were gone (deleted): those are
 * found by probing (`probeSources`), the delivered items keep their copies' ids (and so
 * their links), the skipped ones end `dropped` with their follow-ups (a paid relay's refund).
 */
export async function recordDelivery(
  deps: Pick<
    OutboxWorkerDeps,
    'store' | 'onDelivered' | 'logger' | 'metrics' | 'sender' | 'closeUndelivered'
  >,
  jobs: readonly OutboxJob[],
  result: unknown,
): Promise<void> {
  // One sendMediaGroup job (a vault album) is answered with a message per item: it is one job.
  const single = jobs.length === 1 && jobs[0]!.method === 'sendMediaGroup';
  const returned = single ? messageIdsOf(result).slice(0, 1) : messageIdsOf(result);
  let matched = matchBatchAnswer(jobs.length, returned);
  if (!matched) {
    const sources = await probeSources(deps.sender, jobs);
    matched = matchBatchAnswer(jobs.length, returned, sources)!;
    deps.logger.warn(
      { jobIds: ids(jobs), returned: returned.length, sources },
      'Telegram skipped part of a batch',
    );
  }
  const delivered: OutboxJob[] = [];
  const messageIds: (number | null)[] = [];
  const skipped: OutboxJob[] = [];
  for (const [i, item] of matched.entries()) {
    if (item.delivered) {
      delivered.push(jobs[i]!);
      messageIds.push(item.messageId);
    } else skipped.push(jobs[i]!);
  }
  if (delivered.length > 0) await markDelivered(deps, delivered, messageIds);
  if (skipped.length > 0) {
    await finishUndelivered(deps, skipped, 'failed', 'dropped', SKIPPED);
  }
}

/** Why an item of a batch ended without delivery. */
const SKIPPED = 'skipped by Telegram in a batch: the message to copy is gone';

async function markDelivered(
  deps: Pick<OutboxWorkerDeps, 'store' | 'onDelivered' | 'logger' | 'metrics'>,
  jobs: readonly OutboxJob[],
  messageIds: readonly (number | null)[],
): Promise<void> {
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

/** The message ids a send returned, in order (a batch: one per source Telegram copied). */
function messageIdsOf(result: unknown): (number | null)[] {
  const idOf = (r: unknown) => {
    const id = (r as { message_id?: unknown } | null)?.message_id;
    return typeof id === 'number' ? id : null;
  };
  return Array.isArray(result) ? result.map(idOf) : [idOf(result)];
}

/**
 * Which sources of a batch still exist. The Bot API cannot read a message, but it answers an
 * edit of someone else's message with "message can't be edited" while the message exists and
 * "message to edit not found" once it is gone; nothing is changed either way, and a refused
 * edit spends no budget. Any other answer leaves the source `unknown`.
 */
async function probeSources(
  sender: TelegramSender,
  jobs: readonly OutboxJob[],
): Promise<SourceState[]> {
  const states: SourceState[] = [];
  for (const job of jobs) {
    const params = { chat_id: job.params.from_chat_id, message_id: job.params.message_id };
    try {
      await sender.attempt('editMessageReplyMarkup', params);
      states.push('unknown');
    } catch (err) {
      const failure = err instanceof BotApiError ? err.failure : undefined;
      const description = failure?.type === 'api' ? failure.description : '';
      if (/message to edit not found/i.test(description)) states.push('gone');
      else if (/message can't be edited/i.test(description)) states.push('exists');
      else states.push('unknown');
    }
  }
  return states;
}
