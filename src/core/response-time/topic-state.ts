/**
 * A fan topic's state shown as its icon (editForumTopic): 🔥 waiting too long for an answer
 * (a response-time reminder went out), else 🔒 claimed by a team member, else 💎 VIP, else
 * no icon. Icons, not title prefixes, so the topic's title stays the fan's name (renamed
 * when the fan renames). Changes are coalesced: one pending edit per topic at most, a few
 * per minute, at the lowest priority.
 */

export type TopicState = 'waiting' | 'claimed' | 'vip';

/** The emoji of each state (its custom emoji id comes from getForumTopicIconStickers). */
export const TOPIC_STATE_EMOJI: Readonly<Record<TopicState, string>> = {
  waiting: '🔥',
  claimed: '🔒',
  vip: '💎',
};

/** What a topic's icon should show. */
export function topicStateOf(fan: {
  waiting: boolean;
  claimed: boolean;
  tier: string | null;
}): TopicState | null {
  if (fan.waiting) return 'waiting';
  if (fan.claimed) return 'claimed';
  if (fan.tier === 'vip') return 'vip';
  return null;
}

/** A topic whose icon may be out of date, as the store reads it. */
export interface TopicStateRow {
  fanId: number;
  /** The state last asked of Telegram (null: none). */
  shown: TopicState | null;
  shownAt: Date | null;
  waiting: boolean;
  claimed: boolean;
  tier: string | null;
}

/** The store (src/adapters/db/topic-state-store.ts). */
export interface TopicStateStore {
  /** Topics with an icon, or a reason for one (waiting, claimed, VIP). */
  candidates(): Promise<TopicStateRow[]>;
  /** True when an icon edit for the fan's topic is still waiting in the outbox. */
  pending(fanId: number): Promise<boolean>;
  /** Remembers the state asked of Telegram. */
  mark(fanId: number, state: TopicState | null, now: Date): Promise<void>;
}

/** The topics to edit now: changed, no edit pending, oldest change first, at most `limit`. */
export function iconChanges(rows: readonly TopicStateRow[], limit: number): TopicStateRow[] {
  return rows
    .filter((row) => topicStateOf(row) !== row.shown)
    .sort((a, b) => (a.shownAt?.getTime() ?? 0) - (b.shownAt?.getTime() ?? 0))
    .slice(0, limit);
}

/** Each role's member tag (Bot API 9.5 tags: 0–16 characters, no emoji). */
export const ROLE_TAGS: Readonly<Record<string, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
  analyst: 'Analyst',
};

/**
 * The tag edits that bring the group to the team: `wanted` (member → tag) against `applied`
 * (what the bot set before); members no longer on the team get their tag removed ('').
 */
export function tagChanges(
  wanted: ReadonlyMap<number, string>,
  applied: Readonly<Record<string, string>>,
): { userId: number; tag: string }[] {
  const changes: { userId: number; tag: string }[] = [];
  for (const [userId, tag] of wanted) {
    if (applied[String(userId)] !== tag) changes.push({ userId, tag });
  }
  for (const key of Object.keys(applied)) {
    if (!wanted.has(Number(key)) && applied[key] !== '')
      changes.push({ userId: Number(key), tag: '' });
  }
  return changes;
}
