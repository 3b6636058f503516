/**
 * Who may do what, declared once: every action is `section:action`, every role a preset of
 * actions, and `can(actor, action)` is the one check every command, button and panel screen
 * asks (docs/admin-guide.md shows the table). Owners (ADMIN_USER_IDS, or the role) may do
 * everything; admins everything but managing the team and unfreezing; agents answer fans; analysts read
 * the figures. Anyone not on the team may do nothing.
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
  'vault:view': 'See the vault of locked media, its sales and revenue',
  'vault:edit': 'Lock media into the vault (/lock), edit and archive vault items',
  'vault:send': 'Offer a vault item to a fan in their topic (/ppv)',
  'drops:send': 'Send a vault item as a teaser to a segment of fans (drops), and cancel a drop',
  'snippets:edit': 'Add, edit and delete saved replies',
  'inbox:reply': 'Answer fans in their topics; take and release them; go on duty',
  'inbox:assign': 'Assign fans to others and release anyone’s claim',
  'inbox:resend': 'Resend fan messages Telegram never confirmed',
  'inbox:all': 'See and answer every fan when agents see only their own',
} as const;

export type PanelAction = keyof typeof PERMISSIONS;

export const PANEL_ACTIONS = Object.keys(PERMISSIONS) as PanelAction[];

/** Someone acting in the panel: their Telegram id and role (null: not on the team). */
export interface Actor {
  id: number;
  role: AdminRoleName | null;
}

/** What each role may do. */
export const ROLE_PRESETS: Readonly<Record<AdminRoleName, readonly PanelAction[]>> = {
  owner: PANEL_ACTIONS,
  // Unfreezing after a dispute stays with the owners, as on the fan card.
  admin: PANEL_ACTIONS.filter((action) => action !== 'team:manage' && action !== 'fans:unfreeze'),
  agent: ['conversations:view', 'fans:view', 'fans:note', 'inbox:reply'],
  analyst: ['stats:view'],
};

/** The roles in the order /team offers them. */
export const ROLES: readonly AdminRoleName[] = ['owner', 'admin', 'agent', 'analyst'];

/** True when `actor` may do `action`. */
export function can(actor: Actor | null | undefined, action: PanelAction): boolean {
  if (!actor || actor.role === null) return false;
  return ROLE_PRESETS[actor.role].includes(action);
}

/** True for a declared `section:action` name (callback data and stored rows are untrusted). */
export function isPanelAction(name: string): name is PanelAction {
  return Object.hasOwn(PERMISSIONS, name);
}
