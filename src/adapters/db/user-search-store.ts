/**
 * /users over knex: search by id, @username or a fragment of the name; lists by spend, last
 * activity and tier (indexed orders on `users`); the facts the user screen adds to the card
 * (payments, notes, the tier set by hand); and the writes of its actions that are not
 * ledger movements (tier override, notes). Conditional updates: a write that changes
 * nothing reports so, and the screen records nothing.
 */
import type { Knex } from 'knex';
import {
  tierOf,
  type FanAdminStore,
  type FanPayment,
  type UserListRow,
  type UserQuery,
  type UserSort,
} from '../../core/fan-admin.js';
import { dialectOf, type Db } from './knex.js';
import { toDate, toInt, toRequiredDate } from './rows.js';

type Row = Record<string, unknown>;

const LIST_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'username',
  'tier',
  'message_credits',
  'total_spent_cents',
  'last_activity_at',
];

function toListRow(row: Row): UserListRow {
  return {
    fanId: toInt(row.id),
    firstName: (row.first_name as string | null) ?? null,
    lastName: (row.last_name as string | null) ?? null,
    username: (row.username as string | null) ?? null,
    tier: tierOf(row.tier) ?? 'new',
    credits: toInt(row.message_credits),
    totalSpentCents: toInt(row.total_spent_cents),
    lastActivityAt: toDate(row.last_activity_at),
  };
}

function toPayment(row: Row): FanPayment & { fanId: number } {
  return {
    id: toInt(row.id),
    fanId: toInt(row.user_id),
    createdAt: toRequiredDate(row.created_at),
    amountPaidCents: toInt(row.amount_paid_usd_cents),
    amountRefundedCents: toInt(row.amount_refunded_cents),
    currency: String(row.currency),
    status: String(row.status),
    disputeStatus: (row.dispute_status as string | null) ?? null,
    creditsGranted: toInt(row.credits_granted),
    secondsGranted: toInt(row.seconds_granted),
    paymentIntentId: (row.payment_intent_id as string | null) ?? null,
    chargeId: (row.charge_id as string | null) ?? null,
    source: String(row.source),
  };
}

/** `%fragment%` for LIKE, with the fragment's own `%`, `_` and `\` taken literally. */
function likePattern(fragment: string): string {
  return `%${fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function applyQuery(q: Knex.QueryBuilder, query: UserQuery): Knex.QueryBuilder {
  switch (query.kind) {
    case 'id':
      return q.where('id', query.id);
    case 'username':
      return q.whereRaw('LOWER(username) = ?', [query.username.toLowerCase()]);
    case 'name':
      return q.where((w) =>
        w
          .whereRaw(
            `LOWER(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')) LIKE ? ESCAPE '\\'`,
            [likePattern(query.fragment)],
          )
          .orWhereRaw(`LOWER(COALESCE(username, '')) LIKE ? ESCAPE '\\'`, [
            likePattern(query.fragment),
          ]),
      );
    default:
      return q;
  }
}

export function createUserSearchStore(db: Db): FanAdminStore {
  const pg = dialectOf(db) === 'postgres';
  const nullsLast = pg ? ' NULLS LAST' : '';
  const orders: Record<UserSort, string> = {
    spend: 'total_spent_cents DESC, id ASC',
    activity: `last_activity_at DESC${nullsLast}, id DESC`,
    tier: `CASE tier WHEN 'vip' THEN 0 WHEN 'regular' THEN 1 ELSE 2 END, total_spent_cents DESC, id ASC`,
  };

  async function pageOf(
    q: () => Knex.QueryBuilder,
    order: string,
    page: { offset: number; limit: number },
  ) {
    const counted = (await q().count({ n: '*' }).first()) as { n: unknown } | undefined;
    const rows = (await q()
      .select(LIST_COLUMNS)
      .orderByRaw(order)
      .offset(page.offset)
      .limit(page.limit)) as Row[];
    return { rows: rows.map(toListRow), total: toInt(counted?.n) };
  }

  return {
    search: (query, page) => pageOf(() => applyQuery(db('users'), query), orders.spend, page),
    list: (sort, page) => pageOf(() => db('users'), orders[sort], page),

    async facts(fanId, paymentLimit) {
      const user = (await db('users as u')
        .leftJoin('conversations as c', 'c.user_id', 'u.id')
        .where('u.id', fanId)
        .first('u.tier_override', 'u.credit_debt', 'c.notes', 'c.pinned_at')) as Row | undefined;
      if (!user) return null;
      const payments = (await db('transactions')
        .where('user_id', fanId)
        .whereNot('status', 'pending')
        .orderBy('id', 'desc')
        .limit(paymentLimit)) as Row[];
      const counted = (await db('transactions')
        .where('user_id', fanId)
        .whereNot('status', 'pending')
        .count({ n: '*' })
        .first()) as { n: unknown } | undefined;
      return {
        tierOverride: tierOf(user.tier_override),
        notes: (user.notes as string | null) ?? null,
        pinned: user.pinned_at !== null && user.pinned_at !== undefined,
        creditDebt: toInt(user.credit_debt),
        payments: payments.map(toPayment),
        paymentCount: toInt(counted?.n),
      };
    },

    async payment(paymentId) {
      const row = (await db('transactions').where('id', paymentId).first()) as Row | undefined;
      return row ? toPayment(row) : null;
    },

    async setTierOverride(fanId, tier, spendTier) {
      return db.transaction(async (tx) => {
        const row = (await tx('users').where('id', fanId).forUpdate().first('tier_override')) as
          { tier_override: unknown } | undefined;
        if (!row) return undefined;
        const before = tierOf(row.tier_override);
        if (before === tier) return undefined;
        await tx('users')
          .where('id', fanId)
          .update({ tier_override: tier, tier: tier ?? spendTier, updated_at: new Date() });
        return { before };
      });
    },

    async setNotes(fanId, notes) {
      const changed = await db('conversations')
        .where('user_id', fanId)
        .update({ notes, updated_at: new Date() });
      return changed > 0;
    },
  };
}
