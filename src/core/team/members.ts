/**
 * The team: members of the `admins` table with their role, name and duty. Owners come from
 * ADMIN_USER_IDS as well and cannot be changed from Telegram (core/team/roster.ts decides).
 * The store is `src/adapters/db/team-store.ts`.
 */
import type { AdminRoleName } from '../admin-auth.js';

/** A member of the `admins` table. */
export interface TeamMember {
  userId: number;
  role: AdminRoleName;
  /** First name (and @username) as last seen; null before the bot saw them. */
  name: string | null;
  onDuty: boolean;
}

export interface TeamStore {
  list(): Promise<TeamMember[]>;
  get(userId: number): Promise<TeamMember | null>;
  /** Adds the member or changes their role; the role before (null: they were not on the team). */
  setRole(userId: number, role: AdminRoleName, addedBy: number): Promise<AdminRoleName | null>;
  /** Removes the member; the role they had (null: they were not on the team). */
  remove(userId: number): Promise<AdminRoleName | null>;
  /** Remembers a member's name (no-op for non-members). */
  rememberName(userId: number, name: string): Promise<void>;
  /** A member by the @username in their remembered name (case-insensitive). */
  byUsername(username: string): Promise<TeamMember | null>;
  /** Puts a member on or off duty; false when they are not on the team. */
  setDuty(userId: number, onDuty: boolean): Promise<boolean>;
  /**
   * The next member on duty for the round-robin among `candidates` (the agent given a fan
   * least recently), marked as just assigned at `now`; null when nobody is on duty.
   */
  nextOnDuty(candidates: readonly AdminRoleName[], now: Date): Promise<number | null>;
}
