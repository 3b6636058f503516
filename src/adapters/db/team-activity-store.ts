/**
 * The team's answers and figures (core/attribution) over `team_replies`, the payments
 * (`transactions` with their ledger grants, as the dashboard counts revenue) and the claims
 * (`fan_claims`). Attribution is read, not stored: a payment goes to the author of the fan's
 * latest answer before it was granted.
 */
import type { Knex } from 'knex';
import type { MemberFiguresRow, TeamActivity } from '../../core/attribution/team-figures.js';
import { toDate, toInt } from './rows.js';

/** Fulfilled payments net of refunds and disputes (the dashboard's NET and FULFILLED). */
const NET = `CASE WHEN t.dispute_status IN ('open', 'lost') THEN 0
  ELSE t.amount_paid_usd_cents - t.amount_refunded_cents END`;

/** Each purchase since `?` with the member it is attributed to (null: nobody answered before). */
const ATTRIBUTED = `
SELECT a.admin_id AS admin_id, a.currency AS currency, SUM(a.net) AS amount FROM (
  SELECT t.currency AS currency, ${NET} AS net,
    (SELECT r.admin_id FROM team_replies r
      WHERE r.fan_id = t.user_id AND r.replied_at <= l.created_at
      ORDER BY r.replied_at DESC, r.id DESC LIMIT 1) AS admin_id
  FROM credit_ledger l
  JOIN transactions t
    ON t.user_id = l.user_id
   AND (t.checkout_session_id = l.reference OR t.payment_intent_id = l.reference
        OR t.charge_id = l.reference)
  WHERE l.kind IN ('grant', 'pass_grant') AND l.created_at >= ?
    AND t.status IN ('paid', 'partially_refunded', 'refunded')
) a
WHERE a.admin_id IS NOT NULL
GROUP BY a.admin_id, a.currency`;

function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result)
    ? (result as Record<string, unknown>[])
    : (result as { rows: Record<string, unknown>[] }).rows;
}

export function createTeamActivityStore(db: Knex): TeamActivity {
  return {
    async recordReply(reply) {
      const user = (await db('users').where('id', reply.fanId).first('inbox_waiting_since')) as
        { inbox_waiting_since: unknown } | undefined;
      const since = toDate(user?.inbox_waiting_since ?? null);
      let waited: number | null = null;
      if (since !== null && since.getTime() <= reply.at.getTime()) {
        // Only the first answer to a wait measures it (a second one may come before delivery).
        const earlier = await db('team_replies')
          .where('fan_id', reply.fanId)
          .where('replied_at', '>=', since)
          .first('id');
        if (!earlier) waited = reply.at.getTime() - since.getTime();
      }
      await db('team_replies')
        .insert({
          fan_id: reply.fanId,
          admin_id: reply.adminId,
          replied_at: reply.at,
          waited_ms: waited,
          source_key: reply.sourceKey,
        })
        .onConflict('source_key')
        .ignore();
    },
    async figures(since) {
      const from = since ?? new Date(0);
      const members = new Map<number, MemberFiguresRow>();
      const member = (adminId: number) => {
        let row = members.get(adminId);
        if (!row) {
          row = { adminId, replies: 0, firstResponseMs: [], revenue: [], claimed: 0 };
          members.set(adminId, row);
        }
        return row;
      };
      const replies = (await db('team_replies')
        .where('replied_at', '>=', from)
        .select('admin_id', 'waited_ms')) as { admin_id: unknown; waited_ms: unknown }[];
      for (const r of replies) {
        const row = member(toInt(r.admin_id));
        row.replies += 1;
        if (r.waited_ms !== null && r.waited_ms !== undefined)
          row.firstResponseMs.push(toInt(r.waited_ms));
      }
      for (const r of rowsOf(await db.raw(ATTRIBUTED, [from]))) {
        member(toInt(r.admin_id)).revenue.push({
          currency: String(r.currency),
          amount: toInt(r.amount),
        });
      }
      const claims = (await db('fan_claims')
        .select('user_id')
        .count('* as n')
        .groupBy('user_id')) as { user_id: unknown; n: unknown }[];
      for (const c of claims) member(toInt(c.user_id)).claimed = toInt(c.n);
      return [...members.values()];
    },
  };
}
