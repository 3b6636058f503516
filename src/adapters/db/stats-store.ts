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
/**
 * A purchase's ledger entry and its payment: the entry's reference is the Checkout Session
 * (checkout) or the PaymentIntent (quick-buy, auto-recharge). Two equi-joins, not one OR
 * join, so the database can hash them.
 */
const GRANTS = `credit_ledger l
  LEFT JOIN transactions tc ON tc.checkout_session_id = l.reference AND tc.user_id = l.user_id
  LEFT JOIN transactions tp ON tc.id IS NULL AND tp.payment_intent_id = l.reference
    AND tp.user_id = l.user_id
  JOIN transactions t ON t.id = COALESCE(tc.id, tp.id)
  WHERE l.kind IN ('grant', 'pass_grant') AND l.created_at >= ? AND ${FULFILLED}`;

/** SQL for a timestamp column as a UTC day number (days since 1970-01-01), per dialect. */
function daySql(db: Knex): (column: string) => string {
  if (dialectOf(db) === 'postgres') {
    // A date difference is an integer: cheaper than EXTRACT(EPOCH …), which is numeric.
    return (c) => `((${c} AT TIME ZONE 'UTC')::date - DATE '1970-01-01')`;
  }
  // SQLite stores epoch milliseconds (integers).
  return (c) => `CAST(${c} / 86400000 AS INTEGER)`;
}

/** SQL for the length `to - from` of two timestamps, and for that length in ms, per dialect. */
interface LengthSql {
  between(from: string, to: string): string;
  ms(length: string): string;
}

function lengthSql(db: Knex): LengthSql {
  // Postgres sorts intervals cheaply; only the median rows become (numeric) milliseconds.
  if (dialectOf(db) === 'postgres') {
    return { between: (f, t) => `(${t} - ${f})`, ms: (l) => `(EXTRACT(EPOCH FROM ${l}) * 1000)` };
  }
  return { between: (f, t) => `(${t} - ${f})`, ms: (l) => l };
}

type Row = Record<string, unknown>;

/** pg's raw() answers `{ rows }`, better-sqlite3's an array. */
function rowsOf(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}

/**
 * The median wait (see FirstResponses), in one ordered pass over the window's links: a wait
 * begins at a fan link that follows an answer (or opens the window), and is over at the next
 * answer (a team link that follows a fan link). A wait opening the window began before it
 * unless the fan's last link before the window was an answer (or there was none): one index
 * probe per fan whose window opens that way. Window sums only, linear in the links.
 */
function firstResponsesSql(length: LengthSql): string {
  return `
WITH ordered AS (
  SELECT m.fan_id, m.id, m.direction, m.created_at,
    LAG(m.direction) OVER w AS prev,
    FIRST_VALUE(m.created_at) OVER w AS first_at
  FROM message_links m
  WHERE m.created_at >= ?
  WINDOW w AS (PARTITION BY m.fan_id ORDER BY m.created_at, m.id ROWS UNBOUNDED PRECEDING)
), marked AS (
  SELECT fan_id, direction, created_at, prev, first_at,
    MAX(CASE WHEN direction = 'fan' AND (prev IS NULL OR prev = 'team') THEN created_at END)
      OVER (PARTITION BY fan_id ORDER BY created_at, id ROWS UNBOUNDED PRECEDING) AS began
  FROM ordered
), waits AS (
  SELECT ${length.between('k.began', 'k.created_at')} AS wait
  FROM marked k
  WHERE k.direction = 'team' AND k.prev = 'fan'
    AND (k.began > k.first_at OR COALESCE((
      SELECT p.direction FROM message_links p
      WHERE p.fan_id = k.fan_id AND p.created_at < ?
      ORDER BY p.created_at DESC, p.id DESC LIMIT 1
    ), 'team') = 'team')
), ranked AS (
  SELECT wait, ROW_NUMBER() OVER (ORDER BY wait) AS r, COUNT(*) OVER () AS n FROM waits
)
SELECT ${length.ms('wait')} AS wait, n FROM ranked WHERE r IN ((n + 1) / 2, (n + 2) / 2)`;
}

/** Builds the dashboard's store over `db` (read-only; no transaction needed). */
export function createStatsStore(db: Knex): StatsStore {
  const day = daySql(db);
  const raw = async (sql: string, bindings: readonly unknown[]) =>
    rowsOf(await db.raw(sql, bindings as Knex.RawBinding[]));

  return {
    async revenueByDay(from): Promise<DayRevenueRow[]> {
      const rows = await raw(
        `SELECT ${day('l.created_at')} AS day, t.currency AS currency, t.source AS source,
           SUM(${NET}) AS net
         FROM ${GRANTS}
         GROUP BY ${day('l.created_at')}, t.currency, t.source`,
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
      const rows = await raw(
        `SELECT ${day('created_at')} AS day,
           SUM(CASE WHEN direction = 'fan' THEN 1 ELSE 0 END) AS from_fans,
           SUM(CASE WHEN direction = 'team' THEN 1 ELSE 0 END) AS answers
         FROM message_links WHERE created_at >= ? GROUP BY ${day('created_at')}`,
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
      const rows = await raw(firstResponsesSql(lengthSql(db)), [from, from]);
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
