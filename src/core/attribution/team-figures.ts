/**
 * The team's figures (`/admin` → 👥 Team): per member, the answers they sent, their median
 * first-response time, the revenue attributed to them and the fans they hold. A payment is
 * attributed to the team member who last answered the fan before it; a fan's first-response
 * time is the wait from their first unanswered message to the team's next answer, credited
 * to the member who sent that answer.
 */

/** A team answer as recorded when it is relayed (a message or a saved reply). */
export interface TeamReplyRecord {
  fanId: number;
  adminId: number;
  at: Date;
  /** Unique per answer (`relay:team:<update>`, `snippet:…`): a redelivery records once. */
  sourceKey: string;
}

/** One member's raw figures over a period, as the store reads them. */
export interface MemberFiguresRow {
  adminId: number;
  replies: number;
  /** The first-response waits this member ended, in milliseconds. */
  firstResponseMs: number[];
  /** Attributed revenue per currency, in minor units. */
  revenue: { currency: string; amount: number }[];
  /** Fans this member holds now (claims). */
  claimed: number;
}

/** The port (src/adapters/db/team-activity-store.ts). */
export interface TeamActivity {
  /** Records a team answer; its first-response wait is measured from the fan's wait. */
  recordReply(reply: TeamReplyRecord): Promise<void>;
  /** Every member with an answer, revenue or claim since `since` (null: all time). */
  figures(since: Date | null): Promise<MemberFiguresRow[]>;
}

/** The median of `values` (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** A wait as people read it: `45 s`, `12 min`, `3 h 05`. */
export function formatWait(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** The periods the team page offers. */
export const TEAM_PERIODS = { '7d': 7, '30d': 30, all: null } as const;

export type TeamPeriod = keyof typeof TEAM_PERIODS;

/** The start of `period` before `now` (null: all time). */
export function periodStart(period: TeamPeriod, now: Date): Date | null {
  const days = TEAM_PERIODS[period];
  return days === null ? null : new Date(now.getTime() - days * 86_400_000);
}

/** Members sorted for the page: most attributed revenue, then most answers. */
export function sortMembers(rows: readonly MemberFiguresRow[]): MemberFiguresRow[] {
  const total = (r: MemberFiguresRow) => r.revenue.reduce((sum, x) => sum + x.amount, 0);
  return [...rows].sort(
    (a, b) => total(b) - total(a) || b.replies - a.replies || a.adminId - b.adminId,
  );
}
