/**
 * The team's commands and hints inside a fan's topic, before the team relay:
 * - `/delete` as a reply to one of the team's answers takes it back: the fan's copy is
 *   deleted (core/relay/team-retract.ts); when Telegram refuses (older than 48 hours) the
 *   team is told, and a `/delete` that names no answer explains how it works;
 * - an admin posting anonymously (as the group) is told once that such messages cannot be
 *   passed on: Telegram does not say who wrote them, so they are never relayed.
 */
import type { Context } from 'telegraf';
import { ANONYMOUS_ADMIN_ID } from '../../../core/admin-auth.js';
import { commandOf } from '../../../core/relay/message-kind.js';
import { retractOutcome, type RetractOutcome } from '../../../core/relay/team-retract.js';
import { PRIORITY, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import { BotApiError } from '../bot-api.js';
import { inAdminGroup, type BotDeps, type Feature } from '../bot-deps.js';

interface TopicMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  from?: { id: number };
  sender_chat?: { id: number };
  reply_to_message?: { message_id: number };
}

/** A text for the team in the topic the command was sent in. */
function topicNote(deps: BotDeps, threadId: number, text: string, key: string): NewOutboxJob {
  return {
    kind: 'notice.topic',
    target: { type: 'chat', chatId: deps.adminChatId, threadId },
    method: 'sendMessage',
    params: { text },
    priority: PRIORITY.teamAnswer,
    dedupeKey: key,
  };
}

/** Deletes the fan's copy now (a private chat: no group budget), reporting how it went. */
async function deleteCopy(
  deps: BotDeps,
  fanId: number,
  messageId: number,
): Promise<RetractOutcome> {
  try {
    await deps.sender.send(
      'deleteMessage',
      { chat_id: fanId, message_id: messageId },
      {
        maxAttempts: 3,
      },
    );
    return retractOutcome({ ok: true });
  } catch (err) {
    if (err instanceof BotApiError && err.failure.type === 'api') {
      const { code, description } = err.failure;
      return retractOutcome({ ok: false, code, description });
    }
    deps.logger.warn({ err, fanId }, 'could not delete a retracted answer');
    return 'refused';
  }
}

/** `/delete` in a fan's topic. */
async function retract(
  deps: BotDeps,
  ctx: Context,
  fanId: number,
  threadId: number,
  message: TopicMessage,
): Promise<void> {
  const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
  const replyTo = message.reply_to_message?.message_id;
  const link =
    replyTo !== undefined && replyTo !== threadId
      ? await deps.fan.links.byTopicMessage(deps.adminChatId, replyTo)
      : null;
  const outcome =
    link && link.direction === 'team' && link.fanId === fanId
      ? await deleteCopy(deps, fanId, link.fanMessageId)
      : 'usage';
  const key = `retract:${deps.adminChatId}:${message.message_id}`;
  const job: NewOutboxJob =
    outcome === 'deleted'
      ? {
          kind: 'receipt',
          target: { type: 'chat', chatId: deps.adminChatId },
          method: 'setMessageReaction',
          params: { message_id: message.message_id, reaction: [{ type: 'emoji', emoji: '👌' }] },
          priority: PRIORITY.background,
          dedupeKey: key,
        }
      : topicNote(deps, threadId, t(`topic.retract_${outcome}`), key);
  deps.logger.info({ fanId, outcome, admin: ctx.from?.id }, 'team answer retract');
  await deps.outbox.enqueue([job]);
  deps.wakeOutbox();
}

export const teamCommandsFeature: Feature = {
  name: 'team-commands',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      const message = ctx.message as TopicMessage;
      const threadId = message.message_thread_id;
      // Seen from the group the message was sent in (one of the admin groups).
      const here = inAdminGroup(deps, ctx.chat.id);
      if (!here || !message.is_topic_message || threadId === undefined) return next();
      return commandInTopic(here, ctx, message, threadId, next);
    });
  },
};

/** A message in a fan's topic of the admin group of `deps` (the hint, or `/delete`). */
async function commandInTopic(
  deps: BotDeps,
  ctx: Context,
  message: TopicMessage,
  threadId: number,
  next: () => Promise<void>,
): Promise<void> {
  const anonymous =
    message.from?.id === ANONYMOUS_ADMIN_ID && message.sender_chat?.id === deps.adminChatId;
  const delete_ = !anonymous && commandOf(message) === 'delete';
  if (!anonymous && !delete_) return next();
  const fanId = await deps.fans.fanOfTopic(deps.adminChatId, threadId);
  if (fanId === null) return next();
  if (anonymous) {
    const t = deps.fan.templates.forLanguage(deps.fan.adminLanguage);
    // Once per group: the dedupe key makes every later enqueue a no-op.
    const key = `hint:anonymous:${deps.adminChatId}`;
    await deps.outbox.enqueue([topicNote(deps, threadId, t('topic.anonymous_admin'), key)]);
    deps.wakeOutbox();
    return next();
  }
  if (!(await deps.admins.permit(ctx, 'inbox:reply'))) return next();
  await retract(deps, ctx, fanId, threadId, message);
}
