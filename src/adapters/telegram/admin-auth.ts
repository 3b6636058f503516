/**
 * The admin authorization helper every admin feature uses (rules in core/admin-auth):
 * owners from ADMIN_USER_IDS and the `admins` table, only inside ADMIN_CHAT_ID. `permit`
 * is the one check of every team command and button: the role's preset of
 * `section:action` permissions (core/permissions).
 */
import type { Context, MiddlewareFn } from 'telegraf';
import {
  decideAdmin,
  roleAtLeast,
  type AdminDecision,
  type AdminRoleName,
} from '../../core/admin-auth.js';
import { can, type Actor, type PanelAction } from '../../core/permissions.js';
import type { AdminDirectory } from '../../core/traffic/ports.js';

export interface AdminAuthorizerDeps {
  adminChatId: number;
  /** Every admin group (ADMIN_CHAT_IDS), the primary first. */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  admins: AdminDirectory;
}

export interface AdminAuthorizer {
  /** The decision for the update in `ctx`. */
  check(ctx: Context): Promise<AdminDecision>;
  /** The acting team member when they may do `action` in `ctx` (null: refused). */
  permit(ctx: Context, action: PanelAction): Promise<Actor | null>;
  /** Middleware that lets only admins of at least `role` through (others are ignored). */
  require(role?: AdminRoleName): MiddlewareFn<Context>;
}

export function createAdminAuthorizer(deps: AdminAuthorizerDeps): AdminAuthorizer {
  const policy = {
    adminChatId: deps.adminChatId,
    adminChatIds: deps.adminChatIds,
    ownerIds: deps.ownerIds,
  };
  async function check(ctx: Context): Promise<AdminDecision> {
    const message = ctx.msg as { sender_chat?: { id: number } } | undefined;
    const input = {
      chatId: ctx.chat?.id,
      userId: ctx.from?.id,
      senderChatId: message?.sender_chat?.id,
      isBot: ctx.from?.is_bot,
    };
    // Only look the table up when the cheap rules did not already decide.
    const quick = decideAdmin(input, policy, null);
    if (quick.allowed || quick.reason !== 'not_admin') return quick;
    return decideAdmin(input, policy, await deps.admins.roleOf(input.userId!));
  }
  return {
    check,
    async permit(ctx, action) {
      const decision = await check(ctx);
      if (!decision.allowed) return null;
      const actor = { id: ctx.from!.id, role: decision.role };
      return can(actor, action) ? actor : null;
    },
    require(role = 'agent') {
      return async (ctx, next) => {
        const decision = await check(ctx);
        if (decision.allowed && roleAtLeast(decision.role, role)) return next();
      };
    },
  };
}
