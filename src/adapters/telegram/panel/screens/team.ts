/**
 * `/team` (team:manage): the team and its roles. The list shows the owners (ADMIN_USER_IDS,
 * unchangeable from Telegram) and every member with role and duty; a member's page changes
 * their role or removes them. Add someone by replying `/team` to one of their messages, by
 * `/team 123456` or `/team @username` (anyone the bot saw write in the group), or with ➕.
 * Roles are presets of permissions (core/permissions.ts, docs/admin-guide.md).
 */
import type { AdminRoleName } from '../../../../core/admin-auth.js';
import { TextBuilder } from '../../../../core/formatted-text.js';
import { ROLE_PRESETS } from '../../../../core/permissions.js';
import {
  GRANTABLE_ROLES,
  removeMember,
  setMemberRole,
  type RosterOutcome,
} from '../../features/team/roster.js';
import { teamNames } from '../../features/team/topic-notes.js';
import { defineScreen, type PanelButton, type ScreenContext, type ScreenView } from '../types.js';

export const TEAM_SCREEN = 'team';

export type TeamState = { view: 'list' } | { view: 'member'; userId: number };

const ROLE_LABELS: Record<AdminRoleName, string> = {
  owner: '👑 owner',
  admin: '🛡 admin',
  agent: '💬 agent',
  analyst: '📊 analyst',
};

const OUTCOME_TOASTS: Record<RosterOutcome, string> = {
  done: '✅ Done.',
  unchanged: 'Nothing to change.',
  configured_owner: '⛔ Owners from ADMIN_USER_IDS are changed in the configuration only.',
  not_member: 'Not on the team.',
};

const NOT_FOUND =
  '❌ Send a Telegram id (a number) or the @username of someone who wrote in this group. Reply again, or /cancel.';

/** An id, or the @username of someone the bot saw in the group (null: unknown). */
async function resolve(ctx: ScreenContext, word: string): Promise<number | null> {
  const text = word.trim();
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (/^@?[a-z0-9_]{3,64}$/i.test(text) && ctx.deps.team) {
    return ctx.deps.team.members.byUsername(text);
  }
  return null;
}

/** The state `/team …` opens: a reply names the member; `/team 123` or `/team @name` too. */
export async function parseTeamArgs(arg: string, ctx: ScreenContext): Promise<TeamState> {
  if (ctx.replyTo && !ctx.replyTo.isBot) return { view: 'member', userId: ctx.replyTo.id };
  const word = arg.replace(/^add\s+/i, '');
  const userId = word ? await resolve(ctx, word) : null;
  return userId === null ? { view: 'list' } : { view: 'member', userId };
}

function unavailable(): ScreenView {
  return { text: { text: 'The team is not available.', entities: [] }, keyboard: [] };
}

async function renderList(ctx: ScreenContext): Promise<ScreenView> {
  const members = await ctx.deps.team!.members.list();
  const owners = ctx.deps.ownerIds;
  const names = await teamNames(ctx.deps, [...owners, ...members.map((m) => m.userId)]);
  const text = new TextBuilder().bold('👥 Team').plain(` — ${owners.length + members.length}`);
  const keyboard: PanelButton[][] = [];
  for (const id of owners) {
    text.newline().plain(`${ROLE_LABELS.owner} · ${names.get(id)!} (${id}) · ADMIN_USER_IDS`);
  }
  for (const member of members) {
    const duty = member.onDuty ? ' · 🟢 on duty' : '';
    const name = names.get(member.userId)!;
    text.newline().plain(`${ROLE_LABELS[member.role]} · ${name} (${member.userId})${duty}`);
    keyboard.push([
      { text: `✏️ ${name}`.slice(0, 48), go: { state: { view: 'member', userId: member.userId } } },
    ]);
  }
  text.newline().newline().plain('Reply /team to a message of someone to add them.');
  keyboard.push([{ text: '➕ Add by id or @username', act: 'add', permission: 'team:manage' }]);
  const stamp = members.map((m) => `${m.userId}:${m.role}:${m.onDuty ? 1 : 0}`).join(',');
  return { text: text.build(), keyboard, stamp };
}

async function renderMember(ctx: ScreenContext, userId: number): Promise<ScreenView> {
  const member = await ctx.deps.team!.members.get(userId);
  const name = (await teamNames(ctx.deps, [userId])).get(userId)!;
  const text = new TextBuilder().bold('👤 ').bold(name).plain(` (${userId})`).newline();
  const back: PanelButton = { text: '⬅️ Team', go: { state: { view: 'list' } } };
  if (ctx.deps.ownerIds.includes(userId)) {
    text.plain(`${ROLE_LABELS.owner} from ADMIN_USER_IDS: change it in the configuration.`);
    return { text: text.build(), keyboard: [[back]], stamp: 'owner' };
  }
  text.plain(member ? `Role: ${ROLE_LABELS[member.role]}` : 'Not on the team.');
  if (member) text.newline().plain(`May: ${ROLE_PRESETS[member.role].join(', ') || 'nothing'}`);
  const roles: PanelButton[] = GRANTABLE_ROLES.filter((role) => role !== member?.role).map(
    (role) => ({
      text: member ? `→ ${ROLE_LABELS[role]}` : `➕ as ${ROLE_LABELS[role]}`,
      act: 'role',
      args: { userId, role },
      permission: 'team:manage',
    }),
  );
  const keyboard: PanelButton[][] = [roles];
  if (member) {
    keyboard.push([
      {
        text: '🗑 Remove from the team',
        act: 'remove',
        args: { userId },
        permission: 'team:manage',
      },
    ]);
  }
  keyboard.push([back]);
  return { text: text.build(), keyboard, stamp: member ? member.role : 'none' };
}

export const teamScreen = defineScreen<TeamState>({
  id: TEAM_SCREEN,
  permission: 'team:manage',
  command: { name: 'team', description: 'The team: add members, change roles, remove' },
  fromCommand: (arg, ctx) => parseTeamArgs(arg, ctx),
  async render(ctx, state) {
    if (!ctx.deps.team) return unavailable();
    const userId = state?.view === 'member' ? state.userId : null;
    return Number.isSafeInteger(userId) ? renderMember(ctx, userId!) : renderList(ctx);
  },
  actions: {
    async role(ctx, state, args) {
      const { userId, role } = (args ?? {}) as { userId?: number; role?: AdminRoleName };
      if (!Number.isSafeInteger(userId) || !GRANTABLE_ROLES.includes(role!)) return {};
      const outcome = await setMemberRole(ctx.deps, ctx.actor.id, userId!, role!);
      return { toast: OUTCOME_TOASTS[outcome], state };
    },
    async remove(ctx, _state, args) {
      const { userId } = (args ?? {}) as { userId?: number };
      if (!Number.isSafeInteger(userId)) return {};
      const outcome = await removeMember(ctx.deps, ctx.actor.id, userId!);
      return { toast: OUTCOME_TOASTS[outcome], state: { view: 'list' } };
    },
    async add() {
      return {
        prompt: {
          text: 'Who? Send their Telegram id or @username.',
          input: 'add',
          placeholder: '123456789 or @username',
          permission: 'team:manage',
        },
      };
    },
  },
  inputs: {
    async add(ctx, _state, _args, typed) {
      const userId = await resolve(ctx, typed);
      if (userId === null) return { ok: false, reply: { text: NOT_FOUND, entities: [] } };
      return { ok: true, state: { view: 'member', userId } };
    },
  },
});
