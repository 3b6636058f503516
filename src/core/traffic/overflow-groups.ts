/**
 * Overflow admin groups (ADMIN_CHAT_IDS): a new fan goes to the group with the most budget
 * left at that moment and stays there. Pure: the store reads each group's shared log and the
 * work queued for it, and persists the choice.
 */
import type { WindowRule } from './limits.js';
import { pruneShared, type SharedSend } from './shared-window.js';

/** One admin group as the assignment sees it. */
export interface GroupLoad {
  chatId: number;
  /** Sends still free in the group's shared window now. */
  left: number;
  /** Group jobs already queued for it (they will spend its budget first). */
  queued: number;
}

/** The sends of `rule` still free in a group's shared log at `now`. */
export function budgetLeft(log: readonly SharedSend[], now: number, rule: WindowRule): number {
  return Math.max(0, rule.limit - pruneShared(log, now, rule).length);
}

/**
 * The group a new fan is assigned to: the most budget left once the queued work is counted
 * (a burst of new fans, arriving before anything was sent, is spread by what it queued);
 * ties go to the group listed first (the primary).
 */
export function pickAdminGroup(groups: readonly GroupLoad[]): number {
  if (groups.length === 0) throw new Error('no admin group to assign a fan to');
  let best = groups[0]!;
  for (const group of groups.slice(1)) {
    if (group.left - group.queued > best.left - best.queued) best = group;
  }
  return best.chatId;
}

/** The lane of a job moved from `from` to `to` (lanes are prefixed with their chat id). */
export function moveLane(lane: string, from: number, to: number): string {
  const prefix = `${from}:`;
  return lane.startsWith(prefix) ? `${to}:${lane.slice(prefix.length)}` : lane;
}
