/**
 * The team's inbox (/conversations), decided here and read by src/adapters/db/inbox-store.ts:
 * most urgent first — paying fans whose last message is unanswered (oldest wait first), then
 * 📌 pinned conversations, then the rest by last activity. The list is three segments, each
 * read in its own indexed order; a page is cut across them by `planPage`.
 */
import type { Tier } from './tiers.js';

/** The inbox's filters (`all`: none). */
export const INBOX_FILTERS = [
  'all',
  'unanswered',
  'vip',
  'pinned',
  'frozen',
  'blocked',
  // The team inbox: the viewer's claimed fans, and the fans nobody claimed.
  'mine',
  'unassigned',
] as const;

export type InboxFilter = (typeof INBOX_FILTERS)[number];

/** True for a declared filter (menu states are data). */
export function isInboxFilter(value: unknown): value is InboxFilter {
  return typeof value === 'string' && (INBOX_FILTERS as readonly string[]).includes(value);
}

/** The inbox's segments, in display order. */
export const INBOX_SEGMENTS = ['urgent', 'pinned', 'rest'] as const;

export type InboxSegment = (typeof INBOX_SEGMENTS)[number];

/** One conversation as the inbox shows it. */
export interface InboxRow {
  fanId: number;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  tier: Tier;
  credits: number;
  bankedSeconds: number;
  passEndsAt: Date | null;
  totalSpentCents: number;
  /** The first fan message the team has not answered yet (null: answered). */
  waitingSince: Date | null;
  lastActivityAt: Date | null;
  pinned: boolean;
  frozen: boolean;
  blocked: boolean;
  banned: boolean;
  chatId: number;
  topicId: number;
  segment: InboxSegment;
}

/** One page of the inbox, with the size of each segment. */
export interface InboxPage {
  rows: InboxRow[];
  total: number;
  sizes: Record<InboxSegment, number>;
}

/** The inbox's port (src/adapters/db/inbox-store.ts). */
export interface InboxStore {
  /**
   * A page of `filter`; `viewer`: who is looking (`mine`), and `onlyMine` to restrict every
   * filter to their claimed fans ("agents see only their fans").
   */
  page(
    filter: InboxFilter,
    page: { offset: number; limit: number },
    viewer?: { userId: number; onlyMine?: boolean },
  ): Promise<InboxPage>;
  /** Pins or unpins a fan's conversation; false when nothing changed (or no conversation). */
  setPinned(fanId: number, pinned: boolean, now: Date): Promise<boolean>;
}

/** Which rows of each segment a page shows. */
export interface SegmentSlice {
  segment: InboxSegment;
  offset: number;
  limit: number;
}

/** The slices of the segments (sizes in display order) that make rows [offset, offset + limit). */
export function planPage(
  sizes: Readonly<Record<InboxSegment, number>>,
  offset: number,
  limit: number,
): SegmentSlice[] {
  const slices: SegmentSlice[] = [];
  let start = Math.max(0, offset);
  let wanted = Math.max(0, limit);
  for (const segment of INBOX_SEGMENTS) {
    const size = Math.max(0, sizes[segment]);
    if (wanted === 0) break;
    if (start >= size) {
      start -= size;
      continue;
    }
    const take = Math.min(size - start, wanted);
    slices.push({ segment, offset: start, limit: take });
    wanted -= take;
    start = 0;
  }
  return slices;
}

/** A paying fan: one who has spent money (net of refunds), as the outbox's priorities see it. */
export function isPaying(row: Pick<InboxRow, 'totalSpentCents'>): boolean {
  return row.totalSpentCents > 0;
}

/** Whole minutes the fan has been waiting (null: not waiting). */
export function waitingMinutes(row: Pick<InboxRow, 'waitingSince'>, now: Date): number | null {
  if (!row.waitingSince) return null;
  return Math.max(0, Math.floor((now.getTime() - row.waitingSince.getTime()) / 60_000));
}

/** 🔥: a paying fan waiting longer than `urgentAfterMinutes`. */
export function isUrgent(
  row: Pick<InboxRow, 'waitingSince' | 'totalSpentCents'>,
  now: Date,
  urgentAfterMinutes: number,
): boolean {
  const minutes = waitingMinutes(row, now);
  return minutes !== null && isPaying(row) && minutes >= urgentAfterMinutes;
}

/**
 * The link that opens a topic: `https://t.me/c/<chat id without -100>/<thread>`. Telegram's
 * private links only work for members of the group.
 */
export function topicLink(chatId: number, topicId: number): string {
  const digits = String(Math.abs(chatId));
  const internal = digits.startsWith('100') ? digits.slice(3) : digits;
  return `https://t.me/c/${internal}/${topicId}`;
}
