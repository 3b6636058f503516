/**
 * Round-robin assignment (`inbox.auto_assign`): a paying fan nobody holds is given, when
 * their message arrives, to the next team member on duty (`/duty on`) — the one given a fan
 * least recently. The claim is the usual conditional insert, so a fan is given once even
 * when two of their messages race; audited as `inbox:auto_assign` by the bot.
 */
import { ROLES, ROLE_PRESETS } from '../../../../core/permissions.js';
import { PRIORITY } from '../../../../core/traffic/outbox.js';
import type { BotDeps } from '../../bot-deps.js';
import { moveClaim } from './claims.js';
import { teamName, teamTexts } from './topic-notes.js';

/** Roles that answer fans, so may be given one. */
const ANSWERING = ROLES.filter((role) => ROLE_PRESETS[role].includes('inbox:reply'));

/** Gives a paying fan to the next member on duty when the setting is on and nobody holds them. */
export async function autoAssign(deps: BotDeps, fanId: number): Promise<void> {
  const team = deps.team;
  if (!team || !(await deps.fan.settings.getAll())['inbox.auto_assign']) return;
  if (await team.claims.claimOf(fanId)) return;
  const next = await team.members.nextOnDuty(ANSWERING, deps.fan.now());
  if (next === null) return;
  const outcome = await moveClaim(deps, {
    fanId,
    userId: next,
    actorId: deps.botInfo.id,
    move: 'inbox:auto_assign',
    expected: null,
  });
  if (!outcome.ok || outcome.before !== null) return;
  const t = teamTexts(deps);
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'topic', chatId: deps.adminChatId, fanId },
      method: 'sendMessage',
      params: { text: t('team.auto_assigned', { name: await teamName(deps, next) }) },
      priority: PRIORITY.note,
      fanId,
      dedupeKey: `team_auto:${fanId}:${next}`,
    },
  ]);
  deps.wakeOutbox();
}
