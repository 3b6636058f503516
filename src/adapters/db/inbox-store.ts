/**
 * The inbox (/conversations) over knex: three indexed segments (core/inbox.ts) — paying fans
 * waiting for an answer (`users.inbox_waiting_since`), 📌 pinned conversations
 * (`conversations.pinned_at`), the rest by last activity (`users.inbox_last_at`) — each read
 * in its index's order, so a page costs its own rows on both dialects. Also the two hooks the
 * relay calls to keep "waiting" true: `markFanMessage` (in the fan message's transaction) and
 * `markTeamAnswers` (when the team's answers reached their fans).
 */
import type { Knex } from 'knex';
import {
  planPage,
  type InboxFilter,
  type InboxRow,
  type InboxSegment,
  type InboxStore,
} from '../../core/inbox.js';
import { TIERS, type Tier } from '../../core/tiers.js';
import { dialectOf, type Db } from './knex.js';
import { toBool, toDate, toInt } from './rows.js';

/**
 * The columns a relayed fan message sets: the fan waits (since their first unanswered
 * message). The fan message transaction sets them in the statement that counts the message.
 */
export function fanMessageMarks(q: Knex | Knex.Transaction, now: Date): Record<string, unknown> {
  return {
    inbox_waiting_since: q.raw('COALESCE(inbox_waiting_since, ?)', [now]),
    inbox_last_fan_at: now,
    inbox_last_at: now,
  };
}

/**
 * `fanMessageMarks` as hand-written SQL (the fan message's own statement,
 * ledger/spends.ts): the SET items, with `at` the message's time (a placeholder, or a column
 * of the statement's own values: ledger/deferred-spends.ts).
 */
export const fanMessageMarksSql = (at: string): string =>
  `inbox_waiting_since = COALESCE(inbox_waiting_since, ${at}), inbox_last_fan_at = ${at}, ` +
  `inbox_last_at = ${at}`;
/** The bindings of `fanMessageMarksSql('?')`, in order. */
export const fanMessageMarkBindings = (now: Date): Date[] => [now, now, now];

/** A relayed fan message: the fan waits (since their first unanswered message). */
export async function markFanMessage(trx: Knex | Knex.Transaction, fanId: number, now: Date) {
  await trx('users').where('id', fanId).update(fanMessageMarks(trx, now));
}

/** Team answers reached these fans: they wait no more. */
export async function markTeamAnswers(db: Knex, fanIds: readonly number[], now: Date) {
  if (fanIds.length === 0) return;
  await db('users')
    .whereIn('id', [...new Set(fanIds)])
    .update({ inbox_waiting_since: null, inbox_last_team_at: now, inbox_last_at: now });
}

const COLUMNS = [
  'u.id',
  'u.first_name',
  'u.last_name',
  'u.username',
  'u.tier',
  'u.message_credits',
  'u.time_credits_seconds',
  'u.pass_ends_at',
  'u.total_spent_cents',
  'u.inbox_waiting_since',
  'u.inbox_last_at',
  'u.is_frozen',
  'u.is_blocked',
  'u.is_banned',
  'c.pinned_at',
  'c.chat_id',
  'c.topic_id',
];

type Row = Record<string, unknown>;

function toRow(row: Row, segment: InboxSegment): InboxRow {
  const tier = (TIERS as readonly string[]).includes(String(row.tier)) ? (row.tier as Tier) : 'new';
  return {
    fanId: toInt(row.id),
    firstName: (row.first_name as string | null) ?? null,
    lastName: (row.last_name as string | null) ?? null,
    username: (row.username as string | null) ?? null,
    tier,
    credits: toInt(row.message_credits),
    bankedSeconds: toInt(row.time_credits_seconds),
    passEndsAt: toDate(row.pass_ends_at),
    totalSpentCents: toInt(row.total_spent_cents),
    waitingSince: toDate(row.inbox_waiting_since),
    lastActivityAt: toDate(row.inbox_last_at),
    pinned: row.pinned_at !== null && row.pinned_at !== undefined,
    frozen: toBool(row.is_frozen),
    blocked: toBool(row.is_blocked),
    banned: toBool(row.is_banned),
    chatId: toInt(row.chat_id),
    topicId: toInt(row.topic_id),
    segment,
  };
}

/** Fans claimed by `userId` (any claimer when null). */
function claimed(userId: number | null) {
  return (sub: Knex.QueryBuilder) => {
    sub.select('fc.fan_id').from('fan_claims as fc').whereRaw('fc.fan_id = u.id');
    if (userId !== null) sub.where('fc.user_id', userId);
  };
}

/** The filter's condition (`viewer`: who is looking, for the claim filters). */
function applyFilter(
  q: Knex.QueryBuilder,
  filter: InboxFilter,
  viewer?: { userId: number; onlyMine?: boolean },
): Knex.QueryBuilder {
  if (viewer?.onlyMine) q.whereExists(claimed(viewer.userId));
  switch (filter) {
    case 'mine':
      return q.whereExists(claimed(viewer?.userId ?? 0));
    case 'unassigned':
      return q.whereNotExists(claimed(null));
    case 'unanswered':
      return q.whereNotNull('u.inbox_waiting_since');
    case 'vip':
      return q.where('u.tier', 'vip');
    case 'pinned':
      return q.whereNotNull('c.pinned_at');
    case 'frozen':
      return q.where('u.is_frozen', true);
    case 'blocked':
      return q.where('u.is_blocked', true);
    default:
      return q;
  }
}

/** The segment's condition: urgent = waiting and paying; the others exclude it. */
function applySegment(q: Knex.QueryBuilder, segment: InboxSegment): Knex.QueryBuilder {
  if (segment === 'urgent') {
    return q.whereNotNull('u.inbox_waiting_since').where('u.total_spent_cents', '>', 0);
  }
  q.where((w) => w.whereNull('u.inbox_waiting_since').orWhere('u.total_spent_cents', '<=', 0));
  return segment === 'pinned' ? q.whereNotNull('c.pinned_at') : q.whereNull('c.pinned_at');
}

export function createInboxStore(db: Db): InboxStore {
  const pg = dialectOf(db) === 'postgres';
  // The order of users_inbox_last_at_index: newest first, fans who never wrote last.
  const byActivity = pg
    ? 'u.inbox_last_at DESC NULLS LAST, u.id DESC'
    : 'u.inbox_last_at DESC, u.id DESC';
  type Viewer = Parameters<InboxStore['page']>[2];
  const base = (filter: InboxFilter, viewer: Viewer) =>
    applyFilter(db('users as u').join('conversations as c', 'c.user_id', 'u.id'), filter, viewer);

  async function count(filter: InboxFilter, viewer: Viewer, segment?: InboxSegment) {
    const q = base(filter, viewer);
    if (segment) applySegment(q, segment);
    const row = (await q.count({ n: '*' }).first()) as { n: unknown } | undefined;
    return toInt(row?.n);
  }

  async function slice(
    filter: InboxFilter,
    viewer: Viewer,
    segment: InboxSegment,
    offset: number,
    limit: number,
  ) {
    const q = applySegment(base(filter, viewer), segment).select(COLUMNS);
    if (segment === 'urgent') q.orderBy('u.inbox_waiting_since', 'asc').orderBy('u.id', 'asc');
    else q.orderByRaw(byActivity);
    const rows = (await q.offset(offset).limit(limit)) as Row[];
    return rows.map((row) => toRow(row, segment));
  }

  return {
    async page(filter, page, viewer) {
      const [total, urgent, pinned] = await Promise.all([
        count(filter, viewer),
        count(filter, viewer, 'urgent'),
        count(filter, viewer, 'pinned'),
      ]);
      const sizes = { urgent, pinned, rest: Math.max(0, total - urgent - pinned) };
      const rows: InboxRow[] = [];
      for (const part of planPage(sizes, page.offset, page.limit)) {
        rows.push(...(await slice(filter, viewer, part.segment, part.offset, part.limit)));
      }
      return { rows, total, sizes };
    },
    async setPinned(fanId, pinned, now) {
      const q = db('conversations').where('user_id', fanId);
      if (pinned) q.whereNull('pinned_at');
      else q.whereNotNull('pinned_at');
      return (await q.update({ pinned_at: pinned ? now : null, updated_at: now })) > 0;
    },
  };
}
