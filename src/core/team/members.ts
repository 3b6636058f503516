/**
 * The team: members of the `admins` table with their role and duty, and the names of the
 * people seen in the admin group. Owners come from ADMIN_USER_IDS as well and cannot be
 * changed from Telegram. The store is `src/adapters/db/team-store.ts`.
 */
import type { AdminRoleName } from '../admin-auth.js';

/** A member of the `admins` table. */
export interface TeamMember {
  userId: number;
  role: AdminRoleName;
  /** First name as last seen in the admin group; null before the bot saw them write. */
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
  /** Remembers the name (and @username) of someone who wrote in the admin group. */
  rememberName(userId: number, name: string, username: string | undefined): Promise<void>;
  /** Names as last seen, by user id (unknown ids are absent). */
  namesOf(userIds: readonly number[]): Promise<Map<number, string>>;
  /** Who wrote in the admin group as @username (case-insensitive); null: never seen. */
  byUsername(username: string): Promise<number | null>;
  /** Puts a member on or off duty; false when they are not on the team. */
  setDuty(userId: number, onDuty: boolean): Promise<boolean>;
  /**
   * The next member on duty for the round-robin among `candidates` (the member given a fan
   * least recently), marked as just assigned at `now`; null when nobody is on duty.
   */
  nextOnDuty(candidates: readonly AdminRoleName[], now: Date): Promise<number | null>;
}
