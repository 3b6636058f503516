import { PRIORITY } from '../../../../core/traffic/outbox.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { FailureAction, FailureContext } from './context.js';

/** The fan blocked the bot (or is gone): the jobs fail, the fan is marked, the team told. */
export const stopForBlockedFan: FailureAction<'blocked'> = async (ctx, decision) => {
  await finishUndelivered(ctx.deps, ctx.jobs, 'failed', 'blocked', decision.reason);
  const fanId = ctx.head.fanId ?? (ctx.chatId > 0 ? ctx.chatId : null);
  if (fanId !== null && ctx.chatId > 0) await markBlocked(ctx, fanId);
};

/** Marks the fan blocked and, the first time, posts a notice in their topic. */
async function markBlocked({ deps, worker }: FailureContext, fanId: number): Promise<void> {
  const changed = await deps.fans.setBlocked(fanId, true);
  if (!changed) return;
  deps.logger.info({ fanId }, 'fan blocked the bot');
  await deps.store.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: {
        text: '🚫 This fan blocked the bot. Replies are not delivered until they start it again.',
      },
      priority: PRIORITY.teamAnswer,
      fanId,
      dedupeKey: `blocked:${fanId}:${Math.floor(Date.now() / 60_000)}`,
    },
  ]);
  worker.wake();
}
