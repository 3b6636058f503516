// @ts-check
/**
 * /conversations and /users benchmark (not a test): how long the inbox's pages and the fan
 * search take with 100,000 fans who all have a topic (2,000 waiting for an answer, half of
 * them paying; 50 pinned), on SQLite and — when BENCH_DATABASE_URL or TEST_DATABASE_URL
 * points at Postgres — on Postgres too. Target: well under 1 s. Runs the built code in dist/.
 *
 *   npm run build && node bench/conversations.mjs
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/conversations.mjs
 */
import { performance } from 'node:perf_hooks';
import { createInboxStore } from '../dist/adapters/db/inbox-store.js';
import { createUserSearchStore } from '../dist/adapters/db/user-search-store.js';
import { benchDialects, freshDatabase, ms, timed } from './lib.mjs';

const FANS = Number(process.env.BENCH_FANS ?? 100_000);
const PAGE = 10;

/** Fans, each with a topic; every 50th waits for an answer (every 100th paying); 50 pinned. */
function seedSql(dialect, now) {
  const pg = dialect === 'postgres';
  const series = pg
    ? `FROM generate_series(1::bigint, ${FANS}) AS s(i)`
    : `FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${FANS}) SELECT i FROM s)`;
  const at = (expr) =>
    pg
      ? `(to_timestamp(${now / 1000}) - ((${expr}) % 8640000) * interval '1 second')`
      : `(${now} - ((${expr}) % 8640000) * 1000)`;
  return [
    `INSERT INTO users (id, first_name, username, created_at, updated_at, last_activity_at,
       inbox_last_at, inbox_waiting_since, total_spent_cents, tier, message_credits)
     SELECT i, 'Fan ' || i, 'fan_' || i, ${at('i * 104729')}, ${at('i * 104729')}, ${at('i * 7')},
       ${at('i * 7')}, CASE WHEN i % 50 = 0 THEN ${at('i * 3')} END,
       CASE WHEN i % 100 = 0 OR i % 7 = 0 THEN 500 ELSE 0 END,
       CASE WHEN i % 97 = 0 THEN 'vip' ELSE 'new' END, i % 40 ${series}`,
    `INSERT INTO conversations (user_id, chat_id, topic_id, title, created_at, updated_at, pinned_at)
     SELECT i, -1001234567890, i, 'Fan ' || i, ${at('i')}, ${at('i')},
       CASE WHEN i % 2000 = 1 THEN ${at('i')} END ${series}`,
  ];
}

async function bench(dialect, serverUrl) {
  const database = await freshDatabase(dialect, serverUrl);
  try {
    await database.db.migrate.latest();
    const now = Date.now();
    const started = performance.now();
    for (const sql of seedSql(dialect, now)) await database.db.raw(sql);
    await database.db.raw('ANALYZE');
    console.log(
      `\n${dialect}: seeded ${FANS} fans with topics in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const inbox = createInboxStore(database.db);
    const last = Math.floor((FANS - 1) / PAGE) * PAGE;
    const cases = [
      ['/conversations, page 1', () => inbox.page('all', { offset: 0, limit: PAGE })],
      ['/conversations, page 2', () => inbox.page('all', { offset: PAGE, limit: PAGE })],
      ['/conversations, last page', () => inbox.page('all', { offset: last, limit: PAGE })],
      ['/conversations unanswered', () => inbox.page('unanswered', { offset: 0, limit: PAGE })],
      ['/conversations vip', () => inbox.page('vip', { offset: 0, limit: PAGE })],
      ['/conversations blocked', () => inbox.page('blocked', { offset: 0, limit: PAGE })],
    ];
    for (const [name, fn] of cases) {
      const { median, max, result } = await timed(fn);
      console.log(
        `  ${name.padEnd(30)} median ${ms(median)}, max ${ms(max)}  (${result.total} in all, ${result.sizes.urgent} urgent)`,
      );
    }
    const users = createUserSearchStore(database.db);
    const searches = [
      ['/users (by spend)', () => users.list('spend', { offset: 0, limit: PAGE })],
      ['/users by activity', () => users.list('activity', { offset: 0, limit: PAGE })],
      ['/users by tier', () => users.list('tier', { offset: 0, limit: PAGE })],
      [
        '/users 4242 (id)',
        () => users.search({ kind: 'id', id: 4242 }, { offset: 0, limit: PAGE }),
      ],
      [
        '/users @fan_4242',
        () => users.search({ kind: 'username', username: 'fan_4242' }, { offset: 0, limit: PAGE }),
      ],
      [
        '/users an 424 (fragment)',
        () => users.search({ kind: 'name', fragment: 'an 424' }, { offset: 0, limit: PAGE }),
      ],
    ];
    for (const [name, fn] of searches) {
      const { median, max, result } = await timed(fn);
      console.log(
        `  ${name.padEnd(30)} median ${ms(median)}, max ${ms(max)}  (${result.total} found)`,
      );
    }
  } finally {
    await database.destroy();
  }
}

const { serverUrl, dialects } = benchDialects();
for (const dialect of dialects) await bench(dialect, serverUrl);
