/**
 * The bot's membership: a fan blocking or unblocking it (my_chat_member in a private chat),
 * the bot losing or regaining its rights in the admin group (my_chat_member there, handed to
 * the group's availability), and, while the admin group is lost, a one-time notice to each
 * fan who writes that the team is temporarily away — their message is still charged and
 * kept, and delivered when the bot is back (docs/user-guide.md).
 */
import type { Context } from 'telegraf';
import { messageKind } from '../../../core/relay/message-kind.js';
import { PRIORITY } from '../../../core/traffic/outbox.js';
import type { BotDeps, Feature } from '../bot-deps.js';
import { profileOf } from '../fan-texts.js';

export const membershipFeature: Feature = {
  name: 'membership',
  register(bot, deps) {
    bot.on('my_chat_member', async (ctx, next) => {
      const update = ctx.myChatMember;
      if (update.chat.id === deps.adminChatId) {
        await deps.groupAccess?.membershipChanged(update.new_chat_member);
        return;
      }
      if (update.chat.type !== 'private') return next();
      const fanId = update.chat.id;
      const status = update.new_chat_member.status;
      const blocked = status === 'kicked' || status === 'left';
      await deps.fans.ensure({ ...profileOf(update.from), id: fanId });
      if (!(await deps.fans.setBlocked(fanId, blocked))) return;
      deps.logger.info(
        { fanId, blocked },
        blocked ? 'fan blocked the bot' : 'fan unblocked the bot',
      );
      // A visitor who never paid nor wrote has no topic: none is opened just to say so.
      if (!(await deps.fans.topicOf(fanId))) return;
      await deps.outbox.enqueue([
        {
          kind: 'notice.topic',
          target: { type: 'topic', chatId: deps.adminChatId, fanId },
          method: 'sendMessage',
          params: {
            text: blocked
              ? '🚫 This fan blocked the bot. Replies are not delivered until they start it again.'
              : '✅ This fan started the bot again; replies are delivered.',
          },
          priority: PRIORITY.teamAnswer,
          fanId,
          dedupeKey: `membership:${ctx.update.update_id}`,
        },
      ]);
      deps.wakeOutbox();
    });
    bot.on('message', async (ctx, next) => {
      await tellFanTeamIsAway(ctx, deps);
      return next();
    });
  },
};

/** While the admin group is lost, a fan's first message of the outage gets one notice. */
async function tellFanTeamIsAway(ctx: Context, deps: BotDeps): Promise<void> {
  const outage = deps.groupAccess?.current();
  const message = ctx.message;
  if (!outage || ctx.chat?.type !== 'private' || !ctx.from || !message) return;
  if (messageKind(message) !== 'content') return;
  const t = deps.fan.templates.forLanguage(ctx.from.language_code);
  await deps.outbox.enqueue([
    {
      kind: 'notice.fan',
      target: { type: 'chat', chatId: ctx.chat.id },
      method: 'sendMessage',
      params: { text: t('relay.team_unavailable') },
      priority: PRIORITY.teamAnswer,
      fanId: ctx.chat.id,
      dedupeKey: `team_away:${ctx.chat.id}:${outage.since}`,
    },
  ]);
  deps.wakeOutbox();
}
