import { PRIORITY } from '../../../../core/traffic/outbox.js';
import { personLabel } from '../../alerts.js';
import { finishUndelivered } from '../bookkeeping.js';
import type { OutboxWorkerDeps } from '../deps.js';
import type { FailureAction, FailureContext } from './context.js';

/**
 * The fan blocked the bot (or is gone): the jobs fail, the fan is marked, the team told. An
 * alert to an owner who never pressed Start (or blocked the bot) is not about a fan: the
 * Alerts topic says, once per run and owner, that they must press Start to get alerts.
 */
export const stopForBlockedFan: FailureAction<'blocked'> = async (ctx, decision) => {
  await finishUndelivered(ctx.deps, ctx.jobs, 'failed', 'blocked', decision.reason);
  if (ctx.head.kind === 'alert') return tellOwnerToStart(ctx);
  const fanId = ctx.head.fanId ?? (ctx.chatId > 0 ? ctx.chatId : null);
  if (fanId !== null && ctx.chatId > 0) await markBlocked(ctx, fanId);
};

/** Owners already named in the Alerts topic, per worker. */
const toldOwners = new WeakMap<OutboxWorkerDeps, Set<number>>();

async function tellOwnerToStart({ deps, chatId, log }: FailureContext): Promise<void> {
  let told = toldOwners.get(deps);
  if (!told) toldOwners.set(deps, (told = new Set()));
  if (chatId <= 0 || told.has(chatId)) return;
  told.add(chatId);
  log.warn({ ownerId: chatId }, 'an owner cannot receive alerts in private');
  const [member, me] = await Promise.all([
    deps.sender
      .send<{ user: { first_name: string; last_name?: string; username?: string } }>(
        'getChatMember',
        { chat_id: deps.adminChatId, user_id: chatId },
        { maxAttempts: 1 },
      )
      .catch(() => null),
    deps.sender.send<{ username?: string }>('getMe', {}, { maxAttempts: 1 }).catch(() => null),
  ]);
  const user = member?.user;
  const owner = personLabel(
    user
      ? {
          id: chatId,
          firstName: user.first_name,
          lastName: user.last_name,
          username: user.username,
        }
      : null,
    chatId,
  ).replace(/^A fan/, 'An owner');
  const bot = me?.username ? `https://t.me/${me.username}` : 'the private chat with the bot';
  await deps.alerts.raise({
    key: `owner_unreachable:${chatId}`,
    severity: 'warning',
    text:
      `${owner} cannot get alerts in private: they never pressed Start in the chat with the bot ` +
      `(or blocked it). Until they do, alerts reach them only in this topic. ` +
      `To fix it: open ${bot} and press Start.`,
  });
}

/** Marks the fan blocked and, the first time, posts a notice in their topic. */
async function markBlocked({ deps, worker }: FailureContext, fanId: number): Promise<void> {
  const changed = await deps.fans.setBlocked(fanId, true);
  if (!changed) return;
  deps.logger.info({ fanId }, 'fan blocked the bot');
  // No topic yet (the fan never paid nor wrote): none is opened just to say so.
  if (!(await deps.fans.topicOf(fanId))) return;
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
