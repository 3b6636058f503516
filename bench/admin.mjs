// @ts-check
/**
 * Admin panel benchmark (not a test): how long the `/admin` dashboard's figures take with
 * 100,000 fans, 1,000,000 ledger rows (100,000 purchases with their payments, 900,000
 * spends) and 500,000 relayed messages spread over 120 days, on SQLite and — when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL points at Postgres — on Postgres too; also the
 * chart (its two queries and the PNG), and the first page of /conversations on the same data.
 * Target: under 1 s. Runs the built code in dist/.
 *
 *   npm run bench:admin
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:admin
 */
import { performance } from 'node:perf_hooks';
import { createInboxStore } from '../dist/adapters/db/inbox-store.js';
import { createStatsStore } from '../dist/adapters/db/stats-store.js';
import { renderChart } from '../dist/adapters/telegram/chart/render.js';
import { loadChart, loadDashboard } from '../dist/core/stats/dashboard.js';
import { formatMoney } from '../dist/core/money.js';
import { benchDialects, freshDatabase, ms, timed } from './lib.mjs';

const FANS = Number(process.env.BENCH_FANS ?? 100_000);
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 100_000);
const SPENDS = Number(process.env.BENCH_SPENDS ?? 900_000);
const LINKS = Number(process.env.BENCH_LINKS ?? 500_000);
const DAY_MS = 86_400_000;
const SPREAD_DAYS = 120;

/**
 * One INSERT … SELECT over a series 1..n per table (generate_series on Postgres, a
 * recursive CTE on SQLite); `at(i)` is a timestamp spread over the last 120 days.
 */
function seedSql(dialect, now) {
  const pg = dialect === 'postgres';
  const series = (n) =>
    pg
      ? `FROM generate_series(1::bigint, ${n}) AS s(i)`
      : `FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n}) SELECT i FROM s)`;
  const at = (expr) =>
    pg
      ? `(to_timestamp(${now / 1000}) - ((${expr}) % ${SPREAD_DAYS * 86_400}) * interval '1 second')`
      : `(${now} - ((${expr}) % ${SPREAD_DAYS * 86_400}) * 1000)`;
  const text = (prefix) => (pg ? `'${prefix}' || i` : `'${prefix}' || i`);
  const user = `((i * 7919) % ${FANS}) + 1`;
  return [
    `INSERT INTO users (id, first_name, created_at, updated_at, last_activity_at, inbox_last_at,
       inbox_waiting_since, total_spent_cents, tier)
     SELECT i, ${text('Fan ')}, ${at('i * 104729')}, ${at('i * 104729')}, ${at('i * 7')}, ${at('i * 7')},
       CASE WHEN i % 50 = 0 THEN ${at('i * 3')} END,
       CASE WHEN i % 10 = 0 THEN (i % 97) * 100 ELSE 0 END, 'new' ${series(FANS)}`,
    `INSERT INTO conversations (user_id, chat_id, topic_id, title, created_at, updated_at)
     SELECT i, -1001234567890, i, ${text('Fan ')}, ${at('i')}, ${at('i')} ${series(FANS)}`,
    `INSERT INTO transactions (id, user_id, checkout_session_id, payment_intent_id, amount_paid_usd_cents,
       amount_refunded_cents, currency, status, source, dispute_status, created_at, updated_at)
     SELECT i, ${user},
       CASE WHEN i % 3 = 0 THEN ${text('cs_')} END, ${text('pi_')}, 500,
       CASE WHEN i % 50 = 0 THEN 200 ELSE 0 END,
       CASE WHEN i % 10 = 0 THEN 'eur' ELSE 'usd' END,
       CASE WHEN i % 50 = 0 THEN 'partially_refunded' ELSE 'paid' END,
       CASE i % 3 WHEN 0 THEN 'checkout' WHEN 1 THEN 'quick_buy' ELSE 'auto_recharge' END,
       CASE WHEN i % 500 = 0 THEN 'open' WHEN i % 777 = 0 THEN 'lost' END,
       ${at('i * 31')}, ${at('i * 31')} ${series(PURCHASES)}`,
    `INSERT INTO credit_ledger (user_id, kind, credits_delta, idempotency_key, reference, created_at)
     SELECT ${user}, 'grant', 10,
       CASE WHEN i % 3 = 0 THEN ${text('grant:cs_')} ELSE ${text('grant:pi_')} END,
       CASE WHEN i % 3 = 0 THEN ${text('cs_')} ELSE ${text('pi_')} END, ${at('i * 31')} ${series(PURCHASES)}`,
    `INSERT INTO credit_ledger (user_id, kind, credits_delta, idempotency_key, created_at)
     SELECT (i % ${FANS}) + 1, 'spend', -1, ${text('spend:')}, ${at('i * 13')} ${series(SPENDS)}`,
    `INSERT INTO message_links (fan_id, direction, fan_message_id, topic_chat_id, topic_message_id, created_at)
     SELECT ((i / 5) % ${FANS}) + 1, CASE WHEN i % 5 IN (2, 4) THEN 'team' ELSE 'fan' END, i, -100, i,
       ${at(`${SPREAD_DAYS * 86_400} - i * ${Math.floor((SPREAD_DAYS * 86_400) / LINKS)}`)} ${series(LINKS)}`,
  ];
}

async function seed(db, dialect, now) {
  const started = performance.now();
  for (const sql of seedSql(dialect, now)) await db.raw(sql);
  // What autovacuum (Postgres) and the bot's own maintenance would have done by then.
  await db.raw('ANALYZE');
  return performance.now() - started;
}

async function bench(dialect, serverUrl) {
  const database = await freshDatabase(dialect, serverUrl);
  try {
    await database.db.migrate.latest();
    const now = Date.now();
    const seedMs = await seed(database.db, dialect, now);
    console.log(
      `\n${dialect}: seeded ${FANS} fans, ${PURCHASES + SPENDS} ledger rows, ${LINKS} links in ${(seedMs / 1000).toFixed(1)} s`,
    );
    const store = createStatsStore(database.db);
    for (const rangeDays of [1, 7, 30, 90]) {
      const { median, max, result } = await timed(() =>
        loadDashboard(store, { now: new Date(now), rangeDays, currency: 'usd' }),
      );
      const usd = result.revenue.range.find((m) => m.currency === 'usd')?.minor ?? 0;
      console.log(
        `  /admin figures, ${String(rangeDays).padStart(2)} d: median ${ms(median)}, max ${ms(max)}` +
          `  (revenue ${formatMoney(usd, 'usd', 'en')}, ${result.payingFans} paying, ` +
          `${result.fans.active} active, median first response ${Math.round((result.firstResponses.medianMs ?? 0) / 1000)} s)`,
      );
    }
    if (process.env.BENCH_PROFILE) await profile(store, now);
    const chart = await timed(async () => {
      const data = await loadChart(store, { now: new Date(now), currency: 'usd' });
      return renderChart(data, {
        title: 'Revenue and messages per day',
        revenue: 'Revenue',
        fromFans: 'From fans',
        answers: 'Answers',
        money: (minor) => formatMoney(Math.round(minor), 'usd', 'en'),
      });
    });
    console.log(
      `  /admin chart (queries + PNG): median ${ms(chart.median)}, max ${ms(chart.max)} (${chart.result.length} bytes)`,
    );
    // Another screen's query on the same data (bench/conversations.mjs has more of it).
    const inbox = createInboxStore(database.db);
    for (const filter of ['all', 'unanswered']) {
      const page = await timed(() => inbox.page(filter, { offset: 0, limit: 10 }));
      console.log(
        `  /conversations ${filter.padEnd(10)} page 1: median ${ms(page.median)}, max ${ms(page.max)}`,
      );
    }
  } finally {
    await database.destroy();
  }
}

/** Each query of the 90-day dashboard alone (BENCH_PROFILE=1). */
async function profile(store, now) {
  const from = new Date(now - 89 * DAY_MS);
  for (const name of ['revenue', 'messages', 'fanCounts', 'firstResponses']) {
    const { median } = await timed(() => store[name](from, from));
    console.log(`    ${name}: ${ms(median)}`);
  }
}

const { serverUrl, dialects } = benchDialects();
for (const dialect of dialects) await bench(dialect, serverUrl);
