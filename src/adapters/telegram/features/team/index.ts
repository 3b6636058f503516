/**
 * The team inbox's Telegram side (issue 19, first half): names of the people writing in the
 * admin group (for /team, /assign and the card), the claim commands, the held messages'
 * buttons, /assign's buttons, and members who leave the group losing their role.
 */
import type { Context } from 'telegraf';
import { BoundedMap } from '../../../../core/traffic/bounded-set.js';
import { inAdminGroup, type BotDeps, type Feature } from '../../bot-deps.js';
import { claimCommand, pressAssign } from './commands.js';
import { pressHeld } from './held.js';
import { memberLeft } from './roster.js';

/** Names written per process: one write per person and name change, not per message. */
const REMEMBERED = 5_000;

async function rememberName(deps: BotDeps, ctx: Context, seen: BoundedMap<number, string>) {
  const from = ctx.from;
  if (!deps.team || !from || from.is_bot || !inAdminGroup(deps, ctx.chat?.id)) return;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  const key = `${name}\n${from.username ?? ''}`;
  if (seen.get(from.id) === key) return;
  await deps.team.members.rememberName(from.id, name, from.username);
  seen.set(from.id, key);
}

export const teamFeature: Feature = {
  name: 'team',
  register(bot, deps) {
    if (!deps.team) return;
    const seen = new BoundedMap<number, string>(REMEMBERED);
    bot.use(async (ctx, next) => {
      await rememberName(deps, ctx, seen).catch((err: unknown) =>
        deps.logger.warn({ err }, 'team: could not remember a name'),
      );
      return next();
    });
    bot.on('message', async (ctx, next) => {
      const here = inAdminGroup(deps, ctx.chat.id);
      if (here && (await claimCommand(here, ctx))) return;
      return next();
    });
    bot.action(/^tm:/, (ctx) => pressHeld(inAdminGroup(deps, ctx.chat?.id) ?? deps, ctx));
    bot.action(/^ta:/, (ctx) => pressAssign(inAdminGroup(deps, ctx.chat?.id) ?? deps, ctx));
    bot.on('chat_member', async (ctx, next) => {
      // Roles are the team's: leaving the primary group is leaving the team.
      if (ctx.chat.id !== deps.adminChatId) return next();
      await memberLeft(deps, ctx.chatMember);
    });
  },
};
