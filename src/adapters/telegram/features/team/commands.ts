/**
 * The team's claim commands in a fan's topic, each through the one permission check:
 * `/take` (inbox:reply) claims the fan when nobody holds them; `/release` drops your claim
 * (anyone's with inbox:assign); `/assign` (inbox:assign) offers the team as buttons;
 * `/duty on|off` (inbox:reply) joins or leaves the round-robin of new paying fans. Refusals
 * change nothing and show nothing but a short reason.
 */
import type { Context } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { can, ROLE_PRESETS, type Actor } from '../../../../core/permissions.js';
import { commandOf } from '../../../../core/relay/message-kind.js';
import { assignCallback, parseAssignCallback } from '../../../../core/team/collision.js';
import type { BotDeps } from '../../bot-deps.js';
import { dropClaim, moveClaim } from './claims.js';
import { answerQuery, noteInTopic, teamName, teamNames, teamTexts } from './topic-notes.js';

/** The claim commands, and the permission each needs. */
export const CLAIM_COMMANDS = {
  take: 'inbox:reply',
  release: 'inbox:reply',
  assign: 'inbox:assign',
  duty: 'inbox:reply',
} as const;

type ClaimCommand = keyof typeof CLAIM_COMMANDS;

interface TopicMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  text?: string;
}

/** Where a command was asked (the answer replies to it, once per command message). */
interface Asked {
  deps: BotDeps;
  threadId: number;
  messageId: number;
  key: string;
}

/** The bot's answer, replying to the command (with buttons when there is a choice). */
async function say(
  asked: Asked,
  text: string,
  buttons?: InlineKeyboardButton.CallbackButton[][],
): Promise<void> {
  await noteInTopic(asked.deps, {
    threadId: asked.threadId,
    replyTo: asked.messageId,
    text,
    key: asked.key,
    ...(buttons ? { buttons } : {}),
  });
}

async function take(asked: Asked, actor: Actor, fanId: number): Promise<void> {
  const { deps } = asked;
  const t = teamTexts(deps);
  const outcome = await moveClaim(deps, {
    fanId,
    userId: actor.id,
    actorId: actor.id,
    move: 'inbox:take',
    expected: null,
  });
  if (outcome.ok) {
    const key = outcome.before === actor.id ? 'team.already_yours' : 'team.took';
    return say(asked, t(key, { name: await teamName(deps, actor.id) }));
  }
  const holder = await teamName(deps, outcome.holder!);
  return say(asked, t('team.claimed_by_other', { name: holder }));
}

async function release(asked: Asked, actor: Actor, fanId: number): Promise<void> {
  const { deps } = asked;
  const t = teamTexts(deps);
  const claim = await deps.team!.claims.claimOf(fanId);
  if (!claim) return say(asked, t('team.not_claimed'));
  const mayAny = can(actor, 'inbox:assign');
  if (claim.userId !== actor.id && !mayAny) {
    return say(asked, t('team.release_not_yours', { name: await teamName(deps, claim.userId) }));
  }
  const dropped = await dropClaim(deps, { fanId, actorId: actor.id, expected: claim.userId });
  return say(
    asked,
    dropped ? t('team.released', { name: await teamName(deps, actor.id) }) : t('team.not_claimed'),
  );
}

/** Everyone who may answer fans: owners and the members whose role has inbox:reply. */
async function answerers(deps: BotDeps): Promise<number[]> {
  const members = await deps.team!.members.list();
  const ids = members
    .filter((m) => ROLE_PRESETS[m.role].includes('inbox:reply'))
    .map((m) => m.userId);
  return [...new Set([...deps.ownerIds, ...ids])];
}

async function assignMenu(asked: Asked, fanId: number): Promise<void> {
  const { deps } = asked;
  const t = teamTexts(deps);
  const ids = await answerers(deps);
  const names = await teamNames(deps, ids);
  const claim = await deps.team!.claims.claimOf(fanId);
  const buttons = ids.map((id) => [
    {
      text: `${claim?.userId === id ? '🔒 ' : ''}${names.get(id)!}`.slice(0, 64),
      callback_data: assignCallback(fanId, id),
    },
  ]);
  buttons.push([{ text: t('team.assign_nobody'), callback_data: assignCallback(fanId, 0) }]);
  return say(asked, t('team.assign_pick'), buttons);
}

async function duty(asked: Asked, actor: Actor, arg: string): Promise<void> {
  const { deps } = asked;
  const t = teamTexts(deps);
  const on = /^on$/i.test(arg) ? true : /^off$/i.test(arg) ? false : null;
  if (on === null) return say(asked, t('team.duty_usage'));
  if (!(await deps.team!.members.setDuty(actor.id, on)))
    return say(asked, t('team.duty_members_only'));
  await deps.panel?.audit.record({
    actorId: actor.id,
    action: 'inbox:duty',
    after: { onDuty: on },
  });
  return say(
    asked,
    t(on ? 'team.duty_on' : 'team.duty_off', { name: await teamName(deps, actor.id) }),
  );
}

/** Handles a claim command in the admin group; false when it is none of them. */
export async function claimCommand(deps: BotDeps, ctx: Context): Promise<boolean> {
  const message = ctx.message as TopicMessage | undefined;
  if (!deps.team || !message || ctx.chat?.id !== deps.adminChatId) return false;
  const name = commandOf(message as never);
  if (!name || !Object.hasOwn(CLAIM_COMMANDS, name)) return false;
  const command = name as ClaimCommand;
  const t = teamTexts(deps);
  const threadId = message.is_topic_message ? message.message_thread_id : undefined;
  const asked = {
    deps,
    threadId: threadId ?? 1,
    messageId: message.message_id,
    key: `team_cmd:${ctx.chat.id}:${message.message_id}`,
  };
  const actor = await deps.admins.permit(ctx, CLAIM_COMMANDS[command]);
  if (!actor) {
    // Only the team hears why; anyone else is ignored like any other chatter.
    if ((await deps.admins.check(ctx)).allowed) await say(asked, t('team.refused'));
    return true;
  }
  const arg = (message.text ?? '').replace(/^\/\S+\s*/, '').trim();
  if (command === 'duty') {
    await duty(asked, actor, arg);
    return true;
  }
  const fanId =
    threadId === undefined ? null : await deps.fans.fanOfTopic(deps.adminChatId, threadId);
  if (fanId === null) {
    await say(asked, t('team.not_a_fan_topic'));
    return true;
  }
  if (command === 'take') await take(asked, actor, fanId);
  else if (command === 'release') await release(asked, actor, fanId);
  else await assignMenu(asked, fanId);
  return true;
}

/** A press of one of /assign's buttons (inbox:assign). */
export async function pressAssign(deps: BotDeps, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery!;
  const t = teamTexts(deps);
  const choice = 'data' in query ? parseAssignCallback(query.data) : null;
  const actor = choice && deps.team ? await deps.admins.permit(ctx, 'inbox:assign') : null;
  if (!choice || !actor) return answerQuery(deps, query.id, t('team.refused'));
  if (choice.userId === 0) {
    const dropped = await dropClaim(deps, {
      fanId: choice.fanId,
      actorId: actor.id,
      expected: 'any',
    });
    return answerQuery(deps, query.id, dropped ? t('team.assign_released') : t('team.not_claimed'));
  }
  if (!(await answerers(deps)).includes(choice.userId)) {
    return answerQuery(deps, query.id, t('team.assign_gone'));
  }
  const outcome = await moveClaim(deps, {
    fanId: choice.fanId,
    userId: choice.userId,
    actorId: actor.id,
    move: 'inbox:assign',
    expected: 'any',
  });
  const name = await teamName(deps, choice.userId);
  const threadId = (query.message as { message_thread_id?: number } | undefined)?.message_thread_id;
  if (outcome.ok && outcome.before !== choice.userId && threadId !== undefined) {
    await noteInTopic(deps, {
      threadId,
      text: t('team.assigned', { admin: await teamName(deps, actor.id), name }),
      key: `team_assigned:${query.id}`,
    });
  }
  return answerQuery(deps, query.id, t('team.assign_done', { name }));
}
