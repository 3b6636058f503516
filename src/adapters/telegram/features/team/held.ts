/**
 * The collision guard, between a team member's message in a fan's topic and the relay:
 * - the fan is held by someone else → the message is held (stored, not relayed) and the bot
 *   replies to it with "Send anyway" and "Take over"; only its author may choose, once (the
 *   held row goes `held` → `sent` in one conditional update), and the relay's own dedupe key
 *   (`relay:team:<update id>`) makes a second send a no-op, so the fan gets it once;
 * - "agents see only their fans" is on and the fan is not the author's → never relayed, the
 *   author is told why.
 */
import type { Context } from 'telegraf';
import { can, type Actor } from '../../../../core/permissions.js';
import { isInternalTeamMessage } from '../../../../core/relay/policy.js';
import type { TeamReplyInput } from '../../../../core/relay/team-reply.js';
import {
  decideTeamMessage,
  heldCallback,
  parseHeldCallback,
} from '../../../../core/team/collision.js';
import type { BotDeps } from '../../bot-deps.js';
import { recordTeamAnswer } from '../snippets/answers.js';
import { moveClaim } from './claims.js';
import { answerQuery, noteInTopic, settleNote, teamName, teamTexts } from './topic-notes.js';

/** True when `inbox.agents_own_fans_only` limits `actor` to the fans they hold. */
export async function limitedToOwnFans(deps: BotDeps, actor: Actor): Promise<boolean> {
  if (can(actor, 'inbox:all')) return false;
  return (await deps.fan.settings.getAll())['inbox.agents_own_fans_only'];
}

/**
 * Decides a team message before the relay: true when it may be relayed; false when it was
 * held or refused (and the author told). Commands and #notes always pass (they stay internal).
 */
export async function guardTeamMessage(
  deps: BotDeps,
  actor: Actor,
  input: TeamReplyInput,
): Promise<boolean> {
  const team = deps.team;
  if (!team || isInternalTeamMessage(input.textOrCaption)) return true;
  const fanId = await deps.fans.fanOfTopic(input.chatId, input.threadId);
  if (fanId === null) return true;
  const claim = await team.claims.claimOf(fanId);
  const decision = decideTeamMessage({
    authorId: actor.id,
    claimerId: claim?.userId ?? null,
    ownFansOnly: await limitedToOwnFans(deps, actor),
  });
  if (decision === 'relay') return true;
  const t = teamTexts(deps);
  const note = { threadId: input.threadId, replyTo: input.messageId };
  if (decision === 'not_theirs') {
    deps.logger.info({ fanId, userId: actor.id }, 'team: message in a fan not theirs, not relayed');
    await noteInTopic(deps, {
      ...note,
      text: t('team.not_theirs'),
      key: `team_mine:${input.updateId}`,
    });
    return false;
  }
  const claimerId = claim!.userId;
  const heldId = await team.held.hold(
    {
      fanId,
      authorId: actor.id,
      claimerId,
      threadId: input.threadId,
      messageId: input.messageId,
      input,
    },
    deps.fan.now(),
  );
  deps.logger.info({ fanId, userId: actor.id, claimerId, heldId }, 'team: message held (claimed)');
  await noteInTopic(deps, {
    ...note,
    text: t('team.held', { name: await teamName(deps, claimerId) }),
    key: `team_held:${heldId}`,
    buttons: [
      [
        { text: t('team.held_send'), callback_data: heldCallback('send', heldId) },
        { text: t('team.held_take'), callback_data: heldCallback('take', heldId) },
      ],
    ],
  });
  return false;
}

/** A press of "Send anyway" / "Take over" under a held message. */
export async function pressHeld(deps: BotDeps, ctx: Context): Promise<void> {
  const query = ctx.callbackQuery!;
  const t = teamTexts(deps);
  const choice = 'data' in query ? parseHeldCallback(query.data) : null;
  const actor = choice ? await deps.admins.permit(ctx, 'inbox:reply') : null;
  const held = choice && actor && deps.team ? await deps.team.held.get(choice.heldId) : null;
  if (!choice || !actor || !held) return answerQuery(deps, query.id, t('team.refused'));
  if (held.authorId !== actor.id) return answerQuery(deps, query.id, t('team.held_not_yours'));
  if (held.status !== 'held') return answerQuery(deps, query.id, t('team.held_done'));
  // Decided once, whoever's press gets here first (a double tap, another instance).
  if (!(await deps.team!.held.decide(held.id, 'sent', deps.fan.now()))) {
    return answerQuery(deps, query.id, t('team.held_done'));
  }
  const name = await teamName(deps, actor.id);
  if (choice.choice === 'take') {
    const current = await deps.team!.claims.claimOf(held.fanId);
    await moveClaim(deps, {
      fanId: held.fanId,
      userId: actor.id,
      actorId: actor.id,
      move: 'inbox:take_over',
      expected: current?.userId ?? null,
    });
  }
  await deps.panel?.audit.record({
    actorId: actor.id,
    action: choice.choice === 'take' ? 'inbox:held_take_over' : 'inbox:held_send',
    fanId: held.fanId,
    subject: `message ${held.messageId}`,
    before: { claimedBy: held.claimerId },
  });
  // Counted like any team answer (the team's figures and attribution), once per update.
  if ((await deps.relay.teamReply(held.input)) === 'relayed') {
    await recordTeamAnswer(deps, held.authorId, held.threadId, held.input.updateId);
  }
  const key = choice.choice === 'take' ? 'team.held_taken' : 'team.held_sent';
  const messageId = query.message?.message_id;
  if (messageId !== undefined) {
    await settleNote(deps, messageId, t(key, { name }), `team_held_done:${held.id}`);
  }
  return answerQuery(deps, query.id, t(key, { name }));
}
