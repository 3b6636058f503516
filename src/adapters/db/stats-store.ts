/**
 * The dashboard's queries (core/stats/ports.ts says what each figure means). Each is one
 * aggregate over an indexed window (migration 20261207040001_dashboard_stats), bucketed into
 * UTC days by the database, so nothing proportional to the row count leaves it.
 */
import type { Knex } from 'knex';
import type {
  DayMessagesRow,
  DayRevenueRow,
  FirstResponses,
  OpenDisputeRow,
  StatsStore,
  TopFanRow,
} from '../../core/stats/ports.js';
import { dialectOf } from './knex.js';
import { toInt } from './rows.js';

/** Payments whose money came in (fulfilled); refunds are netted through their amounts. */
const FULFILLED = `t.status IN ('paid', 'partially_refunded', 'refunded')`;
/** What a payment still brings: 0 while disputed (open or lost), else paid minus refunded. */
const NET = `CASE WHEN t.dispute_status IN ('open', 'lost') THEN 0
  ELSE t.amount_paid_usd_cents - t.amount_refunded_cents END`;
/** A purchase's ledger entry and its payment (reference = Checkout Session or PaymentIntent). */
const GRANTS = `credit_ledger l
  JOIN transactions t
    ON (t.checkout_session_id = l.reference OR t.payment_intent_id = l.reference)
   AND t.user_id = l.user_id
  WHERE l.kind IN ('grant', 'pass_grant') AND l.created_at >= ? AND ${FULFILLED}`;

/** SQL for a timestamp column as epoch ms and as a UTC day number, per dialect. */
interface TimeSql {
  ms(column: string): string;
  day(column: string): string;
}

function timeSql(db: Knex): TimeSql {
  if (dialectOf(db) === 'postgres') {
    return {
      ms: (c) => `(EXTRACT(EPOCH FROM ${c}) * 1000)`,
      day: (c) => `CAST(FLOOR(EXTRACT(EPOCH FROM ${c}) / 86400) AS bigint)`,
    };
  }
  // SQLite stores epoch milliseconds (integers).
  return { ms: (c) => c, day: (c) => `CAST(${c} / 86400000 AS INTEGER)` };
}

type Row = Record<string, unknown>;

/** pg's raw() answers `{ rows }`, better-sqlite3's an array. */
function rowsOf(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}

/** The median of the wait lengths (see FirstResponses), in one pass of the database. */
function firstResponsesSql(time: TimeSql): string {
  const at = time.ms('m.created_at');
  return `
WITH scoped AS (
  SELECT m.fan_id, m.direction, ${at} AS at,
    ROW_NUMBER() OVER w AS rn,
    LAG(m.direction) OVER w AS prev_direction,
    MIN(CASE WHEN m.direction = 'team' THEN ${at} END) OVER (
      PARTITION BY m.fan_id ORDER BY m.created_at, m.id
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS answered_at
  FROM message_links m
  WHERE m.created_at >= ?
  WINDOW w AS (PARTITION BY m.fan_id ORDER BY m.created_at, m.id)
), waits AS (
  SELECT s.answered_at - s.at AS wait
  FROM scoped s
  WHERE s.direction = 'fan' AND s.answered_at IS NOT NULL
    AND COALESCE(CASE WHEN s.rn = 1 THEN (
      SELECT p.direction FROM message_links p
      WHERE p.fan_id = s.fan_id AND p.created_at < ?
      ORDER BY p.created_at DESC, p.id DESC LIMIT 1
    ) ELSE s.prev_direction END, 'team') <> 'fan'
), ranked AS (
  SELECT wait, ROW_NUMBER() OVER (ORDER BY wait) AS r, COUNT(*) OVER () AS n FROM waits
)
SELECT wait, n FROM ranked WHERE r IN ((n + 1) / 2, (n + 2) / 2)`;
}

/** Builds the dashboard's store over `db` (read-only; no transaction needed). */
export function createStatsStore(db: Knex): StatsStore {
  const time = timeSql(db);
  const raw = async (sql: string, bindings: readonly unknown[]) =>
    rowsOf(await db.raw(sql, bindings as Knex.RawBinding[]));

  return {
    async revenueByDay(from): Promise<DayRevenueRow[]> {
      const rows = await raw(
        `SELECT ${time.day('l.created_at')} AS day, t.currency AS currency, t.source AS source,
           SUM(${NET}) AS net
         FROM ${GRANTS}
         GROUP BY ${time.day('l.created_at')}, t.currency, t.source`,
        [from],
      );
      return rows.map((r) => ({
        day: toInt(r.day),
        currency: String(r.currency).toLowerCase(),
        source: String(r.source),
        netMinor: toInt(r.net),
      }));
    },

    async payingFans(from) {
      const rows = await raw(
        `SELECT COUNT(DISTINCT t.user_id) AS n FROM ${GRANTS} AND ${NET} > 0`,
        [from],
      );
      return toInt(rows[0]?.n);
    },

    async messagesByDay(from): Promise<DayMessagesRow[]> {
      const day = time.day('created_at');
      const rows = await raw(
        `SELECT ${day} AS day,
           SUM(CASE WHEN direction = 'fan' THEN 1 ELSE 0 END) AS from_fans,
           SUM(CASE WHEN direction = 'team' THEN 1 ELSE 0 END) AS answers
         FROM message_links WHERE created_at >= ? GROUP BY ${day}`,
        [from],
      );
      return rows.map((r) => ({
        day: toInt(r.day),
        fromFans: toInt(r.from_fans),
        answers: toInt(r.answers),
      }));
    },

    async fanCounts(from) {
      const rows = await raw(
        `SELECT
           (SELECT COUNT(*) FROM users WHERE last_activity_at >= ?) AS active,
           (SELECT COUNT(*) FROM users WHERE created_at >= ?) AS new_fans,
           (SELECT COUNT(*) FROM users u WHERE u.created_at >= ? AND EXISTS (
              SELECT 1 FROM transactions t WHERE t.user_id = u.id AND ${FULFILLED})) AS converted`,
        [from, from, from],
      );
      const r = rows[0] ?? {};
      return { active: toInt(r.active), new: toInt(r.new_fans), converted: toInt(r.converted) };
    },

    async firstResponses(from): Promise<FirstResponses> {
      const rows = await raw(firstResponsesSql(time), [from, from]);
      if (rows.length === 0) return { answered: 0, medianMs: null };
      const waits = rows.map((r) => Number(r.wait));
      const median = waits.reduce((a, b) => a + b, 0) / waits.length;
      return { answered: toInt(rows[0]!.n), medianMs: Math.round(median) };
    },

    async openDisputes(): Promise<OpenDisputeRow[]> {
      const rows = await raw(
        `SELECT t.currency AS currency, COUNT(*) AS n,
           SUM(t.amount_paid_usd_cents - t.amount_refunded_cents) AS minor
         FROM transactions t WHERE t.dispute_status = 'open' GROUP BY t.currency`,
        [],
      );
      return rows.map((r) => ({
        currency: String(r.currency).toLowerCase(),
        count: toInt(r.n),
        minor: toInt(r.minor),
      }));
    },

    async topFans(limit): Promise<TopFanRow[]> {
      const rows = (await db('users')
        .where('total_spent_cents', '>', 0)
        .orderBy([
          { column: 'total_spent_cents', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(limit)
        .select('id', 'first_name', 'last_name', 'username', 'total_spent_cents')) as Row[];
      return rows.map((r) => ({
        fanId: toInt(r.id),
        firstName: (r.first_name as string | null) ?? null,
        lastName: (r.last_name as string | null) ?? null,
        username: (r.username as string | null) ?? null,
        totalSpentMinor: toInt(r.total_spent_cents),
      }));
    },
  };
}
