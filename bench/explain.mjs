// @ts-check
/**
 * Query plans at scale (issue 20, "Scale"; not a test): seeds a fresh Postgres database with
 * 100,000 fans who have topics, 1,000,000 outbox rows (mostly sent, a backlog pending for the
 * admin group and for private chats, a few in flight) and 300,000 ledger entries, then prints
 * `EXPLAIN (ANALYZE, BUFFERS)` of the queries on the hot path: the claim, the followers of a
 * head, the background-work check, the group budget's spend, a fan message's credit spend
 * and the fan lookups. Writes run in a transaction that is rolled back. The database is
 * dropped at the end.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/explain.mjs
 *   (BENCH_FANS, BENCH_OUTBOX_ROWS to change the sizes; `npm run build` first)
 */
import { freshDatabase } from './lib.mjs';

const FANS = Number(process.env.BENCH_FANS ?? 100_000);
const ROWS = Number(process.env.BENCH_OUTBOX_ROWS ?? 1_000_000);
const ADMIN = -1001000000001;
const FAN0 = 700_000_000;
/** Fans with relays queued for the group (5 each), card edits queued, private jobs queued. */
const BACKLOG_FANS = 3_000;
const PER_FAN = 5;
const CARD_EDITS = 2_000;
const PRIVATE = 3_000;
const IN_FLIGHT = 8;

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!serverUrl?.startsWith('postgres')) {
  console.error('set TEST_DATABASE_URL=postgres://… (EXPLAIN is shown for Postgres)');
  process.exit(2);
}

const database = await freshDatabase('postgres', serverUrl);
const db = database.db;
try {
  await db.migrate.latest();
  const started = Date.now();
  await seed();
  console.log(
    `seeded ${FANS} fans, ${ROWS} outbox rows in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  await db.raw('VACUUM ANALYZE');
  for (const [title, sql, bindings] of queries()) await explain(title, sql, bindings);
} finally {
  await database.destroy();
}

async function seed() {
  await db.raw(
    `INSERT INTO users (id, first_name, message_credits, tier, total_spent_cents, topic_id)
     SELECT ${FAN0} + g, 'Fan ' || g, 100, CASE WHEN g % 10 = 0 THEN 'vip' ELSE 'new' END,
            (g % 7) * 999, g
     FROM generate_series(1, ?) AS g`,
    [FANS],
  );
  await db.raw(
    `INSERT INTO conversations (user_id, chat_id, topic_id, title, created_at, updated_at)
     SELECT ${FAN0} + g, ${ADMIN}, g, 'Fan ' || g, now(), now() FROM generate_series(1, ?) AS g`,
    [FANS],
  );
  const pending = BACKLOG_FANS * PER_FAN + CARD_EDITS + PRIVATE + IN_FLIGHT;
  const sent = ROWS - pending;
  // History: relays sent into the fans' topics over the last weeks.
  await db.raw(
    `INSERT INTO outbox (kind, chat_id, fan_id, priority, payload, status, lane, available_at,
                         sent_at, outcome, created_at, updated_at)
     SELECT 'relay.fan', ${ADMIN}, ${FAN0} + 1 + g % ?, 20,
            '{"method":"copyMessage","params":{"from_chat_id":1,"message_id":1}}', 'sent',
            '${ADMIN}:fan:' || (${FAN0} + 1 + g % ?), now() - (g || ' seconds')::interval,
            now() - (g || ' seconds')::interval, 'delivered', now(), now()
     FROM generate_series(1, ?) AS g`,
    [FANS, FANS, sent],
  );
  // The backlog: relays for the group, 5 per fan for 3,000 fans.
  await db.raw(
    `INSERT INTO outbox (kind, chat_id, fan_id, priority, payload, status, lane, available_at,
                         created_at, updated_at)
     SELECT 'relay.fan', ${ADMIN}, ${FAN0} + 1 + g / ${PER_FAN}, CASE WHEN g % 10 = 0 THEN 30 ELSE 20 END,
            '{"method":"copyMessage","params":{"from_chat_id":1,"message_id":1}}', 'pending',
            '${ADMIN}:fan:' || (${FAN0} + 1 + g / ${PER_FAN}), now() - interval '1 minute',
            now(), now()
     FROM generate_series(0, ?) AS g`,
    [BACKLOG_FANS * PER_FAN - 1],
  );
  // Card edits (background) in their cards' lanes, a few in flight, private notices.
  await db.raw(
    `INSERT INTO outbox (kind, chat_id, fan_id, priority, payload, status, lane, available_at,
                         created_at, updated_at)
     SELECT 'card.edit', ${ADMIN}, ${FAN0} + g, 0,
            '{"method":"editMessageText","params":{"message_id":1,"text":"card"}}', 'pending',
            '${ADMIN}:message:' || g, now() - interval '1 minute', now(), now()
     FROM generate_series(1, ?) AS g`,
    [CARD_EDITS],
  );
  await db.raw(
    `INSERT INTO outbox (kind, chat_id, fan_id, priority, payload, status, lane, available_at,
                         locked_by, locked_until, created_at, updated_at)
     SELECT 'relay.fan', ${ADMIN}, ${FAN0} + 50000 + g, 20,
            '{"method":"copyMessage","params":{"from_chat_id":1,"message_id":1}}', 'sending',
            '${ADMIN}:fan:' || (${FAN0} + 50000 + g), now(), 'bench', now() + interval '1 minute',
            now(), now()
     FROM generate_series(1, ?) AS g`,
    [IN_FLIGHT],
  );
  await db.raw(
    `INSERT INTO outbox (kind, chat_id, fan_id, priority, payload, status, lane, available_at,
                         created_at, updated_at)
     SELECT 'reply.team', ${FAN0} + g, ${FAN0} + g, 50,
            '{"method":"sendMessage","params":{"text":"hi"}}', 'pending',
            'private:' || (${FAN0} + g), now() - interval '1 minute', now(), now()
     FROM generate_series(1, ?) AS g`,
    [PRIVATE],
  );
  // The fans' spends: 3 per fan.
  await db.raw(
    `INSERT INTO credit_ledger (user_id, kind, credits_delta, idempotency_key, created_at)
     SELECT ${FAN0} + 1 + g % ?, 'spend', -1, 'spend:' || (${FAN0} + 1 + g % ?) || ':' || g, now()
     FROM generate_series(1, ?) AS g`,
    [FANS, FANS, FANS * 3],
  );
  const sends = Array.from({ length: 12 }, (_, i) => [`bench:${i}`, Date.now() - i * 1000, 0]);
  await db('rate_windows').insert({ chat_id: ADMIN, sends: JSON.stringify(sends) });
}

/** @returns {Array<[string, string, unknown[]]>} */
function queries() {
  const fan = FAN0 + 4242;
  const lane = `${ADMIN}:fan:${FAN0 + 1}`;
  const heads = (chats) => `SELECT o.id FROM outbox AS o
       WHERE o.status = 'pending' AND ${chats} AND o.available_at <= now()
         AND NOT EXISTS (
           SELECT 1 FROM outbox AS p
           WHERE p.lane = o.lane AND p.id < o.id AND p.status IN ('pending', 'sending'))
       ORDER BY o.priority DESC, o.available_at, o.id
       LIMIT 20`;
  // As src/adapters/db/outbox/claims.ts sends it on Postgres: the heads, their claim, and
  // the claim turn of their lanes (the next pending job of each, due no earlier than now).
  const claim = (chats) => `WITH heads AS (${heads(chats)} FOR UPDATE OF o SKIP LOCKED),
       claimed AS (
         UPDATE outbox SET status = 'sending', locked_by = 'bench', locked_until = now(),
                attempt_started_at = NULL, updated_at = now()
         FROM heads WHERE outbox.id = heads.id AND outbox.status = 'pending'
         RETURNING outbox.id, outbox.lane, outbox.chat_id),
       turns AS (
         UPDATE outbox SET available_at = now()
         WHERE id IN (
           SELECT (SELECT MIN(n.id) FROM outbox AS n
                   WHERE n.lane = c.lane AND n.id > c.id AND n.status IN ('pending', 'sending')
                     AND n.status = 'pending'
                     AND n.id <> ALL (ARRAY(SELECT t.id FROM claimed AS t)))
           FROM claimed AS c WHERE c.chat_id < 0)
           AND available_at < now())
       SELECT id FROM claimed`;
  return [
    ['claim: up to 20 lane heads for the admin groups (one statement)', claim('o.chat_id < 0'), []],
    ['claim: up to 20 lane heads for private chats', claim('o.chat_id > 0'), []],
    [
      "claim a head's followers (batch): the ready run after it in its lane",
      `SELECT id FROM outbox WHERE lane = ? AND status = 'pending' AND id > ?
         AND available_at <= now() ORDER BY id LIMIT 19`,
      [lane, 0],
    ],
    [
      'background work waits: relays queued for the group in other lanes (hasQueuedAbove)',
      `SELECT j.id FROM outbox AS j
       WHERE j.status IN ('pending', 'sending') AND j.priority > 0 AND j.chat_id = ?
         AND j.lane <> ?
         AND NOT EXISTS (
           SELECT 1 FROM outbox AS q
           WHERE q.lane = ? AND q.id > ? AND q.status = 'pending' AND q.priority > 0)
       LIMIT 1`,
      [ADMIN, `${ADMIN}:message:1`, `${ADMIN}:message:1`, 0],
    ],
    [
      "spend of the group budget: the group's log, locked",
      `SELECT sends FROM rate_windows WHERE chat_id = ? FOR UPDATE`,
      [ADMIN],
    ],
    [
      'a fan message: its spend key (the duplicate check)',
      `SELECT id FROM credit_ledger WHERE idempotency_key = ?`,
      [`spend:${fan}:123`],
    ],
    [
      "a fan message: the conditional spend on the fan's row",
      `UPDATE users SET message_credits = message_credits - 1, message_count = message_count + 1
       WHERE id = ? AND is_frozen = false AND message_credits >= 1`,
      [fan],
    ],
    ['fan lookup: the fan by id', `SELECT * FROM users WHERE id = ?`, [fan]],
    [
      "fan lookup: the fan's topic",
      `SELECT chat_id, topic_id FROM conversations WHERE user_id = ?`,
      [fan],
    ],
    [
      "fan lookup: the topic's fan (a team member writes in it)",
      `SELECT user_id FROM conversations WHERE chat_id = ? AND topic_id = ?`,
      [ADMIN, 4242],
    ],
  ];
}

async function explain(title, sql, bindings) {
  await db
    .transaction(async (trx) => {
      const result = await trx.raw(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, bindings);
      console.log(`\n-- ${title}`);
      for (const row of result.rows) console.log(row['QUERY PLAN']);
      throw new Error('rollback');
    })
    .catch((err) => {
      if (err.message !== 'rollback') throw err;
    });
}
