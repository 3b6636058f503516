/**
 * A fan's message in their private chat → the fan message use case (core/relay), which
 * charges, relays or refuses. This feature only translates the Update: content goes to the
 * use case, content the relay does not carry (dice, games, stories…) gets a polite free
 * refusal, and commands and service messages are left to the features after it (service
 * messages cost nothing and reach no one). Any message from the fan also proves they have
 * not blocked the bot, so a stale `blocked` flag is cleared (for content, by the use case's
 * transaction, with the fan's row).
 */
import { messageTypeOf, type MessageShape } from '../../../core/pricing.js';
import { messageKind, unsupportedContentOf } from '../../../core/relay/message-kind.js';
import { unsupportedNotice } from '../../../core/relay/notices.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { BotDeps, Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';
import { autoAssign } from './team/auto-assign.js';

/** The fan wrote: they are reachable again. The team hears of it once, in the fan's topic. */
async function clearBlocked(deps: BotDeps, fanId: number, messageId: number): Promise<void> {
  if (!(await deps.fans.setBlocked(fanId, false))) return;
  await announceUnblocked(deps, fanId, messageId);
}

async function announceUnblocked(deps: BotDeps, fanId: number, messageId: number): Promise<void> {
  deps.logger.info({ fanId }, 'fan wrote again: no longer blocked');
  if (!(await deps.fans.topicOf(fanId))) return;
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text: '✅ This fan wrote again; replies are delivered.' },
      priority: PRIORITY.note,
      fanId,
      dedupeKey: `unblocked:${fanId}:${messageId}`,
    },
  ]);
}

/** The topic message behind the one the fan replied to (a team answer, or their own). */
async function replyTarget(
  deps: BotDeps,
  fanId: number,
  reply: { message_id: number } | undefined,
): Promise<number | undefined> {
  if (!reply) return undefined;
  return (await deps.fan.links.topicMessageOf(fanId, reply.message_id)) ?? undefined;
}

export const fanRelayFeature: Feature = {
  name: 'fan-relay',
  register(bot, deps) {
    bot.on('message', async (ctx, next) => {
      if (ctx.chat.type !== 'private') return next();
      const message = ctx.message as MessageShape & {
        message_id: number;
        media_group_id?: string;
        reply_to_message?: { message_id: number };
        forward_origin?: unknown;
      };
      const kind = messageKind(message);
      // Content goes to the use case, whose transaction clears the flag with the fan's row.
      if (kind !== 'content') await clearBlocked(deps, ctx.chat.id, message.message_id);
      if (kind === 'unsupported') {
        const t = deps.fan.templates.forLanguage(ctx.from.language_code);
        const field = unsupportedContentOf(message)!;
        await deps.outbox.enqueue([unsupportedNotice(ctx.chat.id, message.message_id, field, t)]);
        deps.wakeOutbox();
        return;
      }
      if (kind !== 'content') return next();
      const { account } = await deps.relay.fanMessage({
        profile: profileOf(ctx.from),
        updateId: ctx.update.update_id,
        messageId: message.message_id,
        type: messageTypeOf(message),
        mediaGroupId: message.media_group_id,
        replyToTopicMessageId: await replyTarget(deps, ctx.chat.id, message.reply_to_message),
        forwarded: message.forward_origin !== undefined,
      });
      if (account.blocked) await announceUnblocked(deps, ctx.chat.id, message.message_id);
      // The team inbox's round-robin: a paying fan nobody holds goes to the next on duty.
      if (account.totalSpentCents > 0) await autoAssign(deps, ctx.chat.id);
    });
  },
};
