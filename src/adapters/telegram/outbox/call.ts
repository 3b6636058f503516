/** What claimed jobs are sent as: the topic or thread they go to, the method and its params. */
import { BATCH_METHODS, type OutboxJob } from '../../../core/traffic/outbox.js';
import type { OutboxWorkerDeps } from './deps.js';

/** One Bot API call. */
export interface OutboxCall {
  method: string;
  params: Record<string, unknown>;
}

/** The message_thread_id a job goes to (a fan's topic, the alerts topic, or its own). */
export async function resolveThread(
  deps: Pick<OutboxWorkerDeps, 'topics' | 'adminChatId'>,
  job: OutboxJob,
  signal: AbortSignal,
): Promise<number | undefined> {
  if (job.target.type === 'topic')
    return deps.topics.topicFor(job.target.fanId, signal, job.target.chatId);
  if (job.target.threadId !== undefined) return job.target.threadId;
  if (job.kind === 'alert' && job.target.chatId === deps.adminChatId) {
    return deps.topics.alertsTopic(signal);
  }
  return undefined;
}

/**
 * The thread a job goes to, and whether it is already shown (`shownByCard`): a sale note
 * (`notice.sale`) whose dispatch opened the fan's topic, whose card shows the purchase.
 */
export async function openThread(
  deps: Pick<OutboxWorkerDeps, 'topics' | 'adminChatId'>,
  job: OutboxJob,
  signal: AbortSignal,
): Promise<{ threadId: number | undefined; shownByCard: boolean }> {
  if (job.kind !== 'notice.sale' || job.target.type !== 'topic') {
    return { threadId: await resolveThread(deps, job, signal), shownByCard: false };
  }
  const opened = await deps.topics.openTopic(job.target.fanId, signal, job.target.chatId);
  return { threadId: opened.topicId, shownByCard: opened.withCard };
}

/**
 * The call for `jobs` (a batch rides in one copyMessages, or forwardMessages for an album of
 * forwards), sent to `threadId` if any.
 */
export function callFor(jobs: readonly OutboxJob[], threadId: number | undefined): OutboxCall {
  const head = jobs[0]!;
  const chatId = head.target.chatId;
  const call: OutboxCall =
    jobs.length > 1
      ? {
          method: BATCH_METHODS[head.method] ?? 'copyMessages',
          params: {
            chat_id: chatId,
            from_chat_id: head.params.from_chat_id,
            message_ids: jobs.map((j) => j.params.message_id),
          },
        }
      : { method: head.method, params: { ...head.params, chat_id: chatId } };
  if (threadId !== undefined) call.params.message_thread_id = threadId;
  return call;
}
