/**
 * Who may do what in the admin panel, declared once: every action is `section:action`, every
 * role a preset of actions, and `can(actor, action)` is the one check every screen and button
 * asks. Until the Team issue adds finer roles, owners (ADMIN_USER_IDS) and `admins`-table
 * admins may do everything and everyone else (agents included) nothing.
 */
import type { AdminRoleName } from './admin-auth.js';

/** Every panel action with what it allows (the Team issue's role editor lists these). */
export const PERMISSIONS = {
  'stats:view': 'See the dashboard and its figures',
  'conversations:view': 'See the inbox of conversations',
  'conversations:pin': 'Pin and unpin conversations',
  'fans:view': 'See fans, their cards and payments',
  'fans:gift': 'Gift credits or pass time',
  'fans:ban': 'Ban and unban fans',
  'fans:tier': 'Set a fan’s tier by hand',
  'fans:note': 'Write private notes on fans',
  'fans:unfreeze': 'Unfreeze a fan after a dispute',
  'payments:refund': 'Refund a payment',
  'products:view': 'See the catalog',
  'products:edit': 'Create, archive, restore and reorder products',
  'settings:view': 'See the runtime settings',
  'settings:edit': 'Change and reset runtime settings',
  'audit:view': 'Read the audit log',
  'team:manage': 'Add and remove team members and their roles',
} as const;

export type PanelAction = keyof typeof PERMISSIONS;

export const PANEL_ACTIONS = Object.keys(PERMISSIONS) as PanelAction[];

/** Someone acting in the panel: their Telegram id and role (null: not on the team). */
export interface Actor {
  id: number;
  role: AdminRoleName | null;
}

/** What each role may do. `agent` gets nothing until the Team issue gives it a preset. */
export const ROLE_PRESETS: Readonly<Record<AdminRoleName, readonly PanelAction[]>> = {
  owner: PANEL_ACTIONS,
  admin: PANEL_ACTIONS,
  agent: [],
};

/** True when `actor` may do `action`. */
export function can(actor: Actor | null | undefined, action: PanelAction): boolean {
  if (!actor || actor.role === null) return false;
  return ROLE_PRESETS[actor.role].includes(action);
}

/** True for a declared `section:action` name (callback data and stored rows are untrusted). */
export function isPanelAction(name: string): name is PanelAction {
  return Object.hasOwn(PERMISSIONS, name);
}
