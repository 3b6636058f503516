/**
 * The dashboard's queries (core/stats/ports.ts says what each figure means). Each is one
 * aggregate over an indexed window (migration 20261207040001_dashboard_stats), bucketed into
 * UTC days by the database, so nothing proportional to the row count leaves it.
 */
import type { Knex } from 'knex';
import type {
  FirstResponses,
  MessageBucketRow,
  OpenDisputeRow,
  RevenueRows,
  StatsStore,
  TopFanRow,
} from '../../core/stats/ports.js';
import { BUCKET_MS } from '../../core/stats/ranges.js';
import { dialectOf } from './knex.js';
import { toInt } from './rows.js';

/** Payments whose money came in (fulfilled); refunds are netted through their amounts. */
const FULFILLED = `t.status IN ('paid', 'partially_refunded', 'refunded')`;
/** What a payment still brings: 0 while disputed (open or lost), else paid minus refunded. */
const NET = `CASE WHEN t.dispute_status IN ('open', 'lost') THEN 0
  ELSE t.amount_paid_usd_cents - t.amount_refunded_cents END`;
/**
 * A purchase's ledger entry and its payment: the entry's reference is the Checkout Session
 * (checkout) or the PaymentIntent (quick-buy, auto-recharge), or Telegram's charge id for a
 * Stars payment (its amount in Stars, currency `xtr`: a currency of its own, never added). Joined on the fan first, then
 * either id: both databases hash the fan's few payments, which measured faster than two
 * equi-joins on the ids (bench:admin).
 */
const GRANTS = `credit_ledger l
  JOIN transactions t
    ON t.user_id = l.user_id
   AND (t.checkout_session_id = l.reference OR t.payment_intent_id = l.reference
     OR (t.source = 'stars' AND t.charge_id = l.reference))
  WHERE l.kind IN ('grant', 'pass_grant') AND l.created_at >= ? AND ${FULFILLED}`;

/**
 * SQL for the start (epoch ms) of a timestamp's BUCKET_MS bucket, per dialect: core maps
 * buckets to the local days of `display.time_zone`, so neither dialect needs time zones.
 */
function bucketSql(db: Knex): (column: string) => string {
  const seconds = BUCKET_MS / 1000;
  if (dialectOf(db) === 'postgres') {
    // Integer arithmetic on the epoch (bigint), grouped before any numeric is made.
    return (c) => `(CAST(EXTRACT(EPOCH FROM ${c}) AS bigint) / ${seconds} * ${BUCKET_MS})`;
  }
  // SQLite stores epoch milliseconds (integers).
  return (c) => `(${c} / ${BUCKET_MS} * ${BUCKET_MS})`;
}

/** SQL for the length `to - from` of two timestamps, and for that length in ms, per dialect. */
interface LengthSql {
  between(from: string, to: string): string;
  /** The median of `waits(wait)` with their count (`wait` in ms, `n`), as 0 to 2 rows. */
  median(): string;
}

function lengthSql(db: Knex): LengthSql {
  if (dialectOf(db) === 'postgres') {
    // Intervals sort cheaply; percentile_cont is the mean of the two middle ones, in one sort.
    return {
      between: (f, t) => `(${t} - ${f})`,
      median: () =>
        `SELECT EXTRACT(EPOCH FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY wait)) * 1000
           AS wait, COUNT(*) AS n FROM waits`,
    };
  }
  return {
    between: (f, t) => `(${t} - ${f})`,
    median: () => `SELECT wait, n FROM (
        SELECT wait, ROW_NUMBER() OVER (ORDER BY wait) AS r, COUNT(*) OVER () AS n FROM waits
      ) ranked WHERE r IN ((n + 1) / 2, (n + 2) / 2)`,
  };
}

type Row = Record<string, unknown>;

/** pg's raw() answers `{ rows }`, better-sqlite3's an array. */
function rowsOf(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}

/**
 * The median wait (see FirstResponses). Each link of the window gets the number of answers
 * its fan received before it in the window (`turn`, one running sum); turn k groups the
 * fan messages after answer k with answer k + 1, so one GROUP BY gives every wait's start
 * (its first fan message) and end (that answer). Turn 0 began before the window unless the
 * fan's last link before it was an answer (or there was none): one index probe per fan
 * whose window opens with an answered wait.
 */
function firstResponsesSql(length: LengthSql): string {
  return `
WITH scoped AS (
  SELECT m.fan_id, m.direction, m.created_at,
    SUM(CASE WHEN m.direction = 'team' THEN 1 ELSE 0 END) OVER (
      PARTITION BY m.fan_id ORDER BY m.created_at, m.id ROWS UNBOUNDED PRECEDING)
      - CASE WHEN m.direction = 'team' THEN 1 ELSE 0 END AS turn
  FROM message_links m
  WHERE m.created_at >= ?
), turns AS (
  SELECT fan_id, turn,
    MIN(CASE WHEN direction = 'fan' THEN created_at END) AS began,
    MIN(CASE WHEN direction = 'team' THEN created_at END) AS answered
  FROM scoped GROUP BY fan_id, turn
), waits AS (
  SELECT ${length.between('w.began', 'w.answered')} AS wait
  FROM turns w
  WHERE w.began IS NOT NULL AND w.answered IS NOT NULL
    AND (w.turn > 0 OR COALESCE((
      SELECT p.direction FROM message_links p
      WHERE p.fan_id = w.fan_id AND p.created_at < ?
      ORDER BY p.created_at DESC, p.id DESC LIMIT 1
    ), 'team') = 'team')
)
${length.median()}`;
}

/**
 * Revenue per bucket and the paying fans in one pass over the purchases (`paid` is
 * materialized once, read by both halves; `kind` tells the halves apart).
 */
function revenueSql(bucket: (column: string) => string): string {
  return `
WITH paid AS MATERIALIZED (
  SELECT l.created_at AS granted, t.user_id AS fan, t.currency AS currency, t.source AS source,
    ${NET} AS net
  FROM ${GRANTS}
)
SELECT 'bucket' AS kind, ${bucket('granted')} AS at, currency, source, SUM(net) AS value
FROM paid GROUP BY ${bucket('granted')}, currency, source
UNION ALL
SELECT 'paying', NULL, NULL, NULL, COUNT(DISTINCT fan) FROM paid WHERE granted >= ? AND net > 0`;
}

/** Builds the dashboard's store over `db` (read-only; no transaction needed). */
export function createStatsStore(db: Knex): StatsStore {
  const bucket = bucketSql(db);
  const raw = async (sql: string, bindings: readonly unknown[]) =>
    rowsOf(await db.raw(sql, bindings as Knex.RawBinding[]));

  return {
    async revenue(from, payingFrom): Promise<RevenueRows> {
      const rows = await raw(revenueSql(bucket), [from, payingFrom]);
      const buckets = rows
        .filter((r) => r.kind === 'bucket')
        .map((r) => ({
          at: toInt(r.at),
          currency: String(r.currency).toLowerCase(),
          source: String(r.source),
          netMinor: toInt(r.value),
        }));
      return { buckets, payingFans: toInt(rows.find((r) => r.kind === 'paying')?.value) };
    },

    async messages(from): Promise<MessageBucketRow[]> {
      const rows = await raw(
        `SELECT ${bucket('created_at')} AS at,
           SUM(CASE WHEN direction = 'fan' THEN 1 ELSE 0 END) AS from_fans,
           SUM(CASE WHEN direction = 'team' THEN 1 ELSE 0 END) AS answers
         FROM message_links WHERE created_at >= ? GROUP BY ${bucket('created_at')}`,
        [from],
      );
      return rows.map((r) => ({
        at: toInt(r.at),
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
      const rows = (await raw(firstResponsesSql(lengthSql(db)), [from, from])).filter(
        (r) => r.wait !== null && r.wait !== undefined,
      );
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
