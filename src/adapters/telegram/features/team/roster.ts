/**
 * Changing the team: a role set or removed from /team (team:manage), or a member leaving
 * the admin group (chat_member: left or kicked) — they lose their role and their claims.
 * Owners from ADMIN_USER_IDS are never changed from Telegram (the configuration is theirs).
 * Everything is audited as `team:manage`.
 */
import type { ChatMemberUpdated } from 'telegraf/types';
import type { AdminRoleName } from '../../../../core/admin-auth.js';
import type { BotDeps } from '../../bot-deps.js';
import { notify } from './claims.js';

/** Roles /team may give (owners come from ADMIN_USER_IDS). */
export const GRANTABLE_ROLES: readonly AdminRoleName[] = ['admin', 'agent', 'analyst'];

export type RosterOutcome = 'done' | 'unchanged' | 'configured_owner' | 'not_member';

/** Gives `userId` `role` (adds them when new). */
export async function setMemberRole(
  deps: BotDeps,
  actorId: number,
  userId: number,
  role: AdminRoleName,
): Promise<RosterOutcome> {
  if (deps.ownerIds.includes(userId)) return 'configured_owner';
  const before = await deps.team!.members.setRole(userId, role, actorId);
  if (before === role) return 'unchanged';
  await deps.panel?.audit.record({
    actorId,
    action: 'team:manage',
    subject: `member ${userId}`,
    before: before ?? null,
    after: role,
  });
  return 'done';
}

/** Takes `userId` off the team and drops their claims; `reason` goes to the audit log. */
export async function removeMember(
  deps: BotDeps,
  actorId: number,
  userId: number,
  reason?: string,
): Promise<RosterOutcome> {
  if (deps.ownerIds.includes(userId)) return 'configured_owner';
  const before = await deps.team!.members.remove(userId);
  if (before === null) return 'not_member';
  const released = await deps.team!.claims.releaseAllOf(userId);
  await deps.panel?.audit.record({
    actorId,
    action: 'team:manage',
    subject: reason ? `member ${userId} (${reason})` : `member ${userId}`,
    before,
    after: { role: null, released },
  });
  for (const fanId of released) await notify(deps, fanId, null);
  return 'done';
}

/** chat_member in the admin group: someone who left (or was removed) loses their role. */
export async function memberLeft(deps: BotDeps, update: ChatMemberUpdated): Promise<void> {
  const status = update.new_chat_member.status;
  if (status !== 'left' && status !== 'kicked') return;
  const userId = update.new_chat_member.user.id;
  const outcome = await removeMember(deps, update.from.id, userId, 'left the group');
  if (outcome === 'done') deps.logger.info({ userId }, 'team: a member left the group');
}
