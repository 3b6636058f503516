/**
 * Who may act as an admin. Every admin feature asks this one function: only owners
 * (ADMIN_USER_IDS) and the `admins` table count, and only inside the admin group.
 */

/** The "Group Anonymous Bot" that stands for anonymous admins: its actions cannot be attributed. */
export const ANONYMOUS_ADMIN_ID = 1087968824;
/** Telegram's service account (channel posts forwarded into a linked group). */
export const TELEGRAM_SERVICE_ID = 777000;

export const NEVER_ADMIN_IDS: ReadonlySet<number> = new Set([
  ANONYMOUS_ADMIN_ID,
  TELEGRAM_SERVICE_ID,
]);

export type AdminRoleName = 'owner' | 'admin' | 'agent' | 'analyst';

export interface AdminCheck {
  /** The chat the action happened in (a message, a button press). */
  chatId: number | undefined;
  /** The acting user (`from.id`). */
  userId: number | undefined;
  /** Set when the message was sent on behalf of a chat (anonymous admin, channel). */
  senderChatId?: number;
  /** The user is a bot (bots are never admins). */
  isBot?: boolean;
}

export interface AdminPolicy {
  adminChatId: number;
  /** The overflow admin groups (ADMIN_CHAT_IDS): the same team acts in them too. */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
}

export type AdminDecision =
  | { allowed: true; role: AdminRoleName }
  | { allowed: false; reason: 'wrong_chat' | 'no_user' | 'never_admin' | 'not_admin' };

/** The pure decision, given the role the `admins` table holds (or null). */
export function decideAdmin(
  check: AdminCheck,
  policy: AdminPolicy,
  storedRole: AdminRoleName | null,
): AdminDecision {
  const inAdminGroup =
    check.chatId === policy.adminChatId ||
    (check.chatId !== undefined && !!policy.adminChatIds?.includes(check.chatId));
  if (!inAdminGroup) return { allowed: false, reason: 'wrong_chat' };
  if (check.userId === undefined) return { allowed: false, reason: 'no_user' };
  if (NEVER_ADMIN_IDS.has(check.userId) || check.isBot || check.senderChatId !== undefined) {
    return { allowed: false, reason: 'never_admin' };
  }
  if (policy.ownerIds.includes(check.userId)) return { allowed: true, role: 'owner' };
  if (storedRole) return { allowed: true, role: storedRole };
  return { allowed: false, reason: 'not_admin' };
}

/** True when the role may do what `needed` may (owner > admin > agent > analyst). */
export function roleAtLeast(role: AdminRoleName, needed: AdminRoleName): boolean {
  const rank: Record<AdminRoleName, number> = { analyst: 0, agent: 1, admin: 2, owner: 3 };
  return rank[role] >= rank[needed];
}

/** The bot may stay only in the admin groups (and private chats). */
export function mayStayInChat(
  chat: { id: number; type: string },
  adminChatId: number,
  adminChatIds: readonly number[] = [],
): boolean {
  return chat.type === 'private' || chat.id === adminChatId || adminChatIds.includes(chat.id);
}
