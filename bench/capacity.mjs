// @ts-check
/**
 * Admin-group capacity benchmark (not a test; issue 20): the shipped runtime against the
 * Telegram simulator at Telegram's real limits (20 messages a minute per group, 30/s
 * overall, 1/s per private chat), with time sped up (BENCH_TIME_SCALE, default 0.05: a
 * simulated minute passes in 3 s). Every figure is in simulated seconds.
 *
 * 1. Drain: 100 fans who already have topics send 500 texts (5 each, in turn); how long until
 *    the last one is in its topic, against the optimum at the planned rate.
 * 2. Utilisation: group messages per 60-s window while the burst drains, against the planned
 *    rate (limit ÷ (1 + safety margin)), and the busiest window against Telegram's limit.
 * 3. A brand-new fan writing in the middle of the burst: until their message is in their topic.
 * On Postgres (BENCH_DATABASE_URL or TEST_DATABASE_URL) the same with two instances; and with
 * two admin groups (ADMIN_CHAT_IDS, the fans split between them by the runtime's assignment):
 * per group its fans, drain, group messages a minute, busiest 60-s window and 429s.
 *
 * BENCH_FANS (100) × BENCH_PER_FAN (5) sizes the burst; BENCH_RUNS picks runs, e.g.
 * `sqlite,sqlite+2g,postgres,postgres×2,postgres+2g` (default: all those the dialects allow).
 *
 *   npm run bench:capacity
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:capacity
 */
import os from 'node:os';
import { createDb } from '../dist/adapters/db/knex.js';
import { buildRuntime } from '../dist/cli/runtime/index.js';
import { silentLogger } from '../dist/core/logger.js';
import { DEFAULT_TRAFFIC_LIMITS } from '../dist/core/traffic/limits.js';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';
import { benchDialects, freeMessages, freshDatabase } from './lib.mjs';

// A simulated minute in 3 s: faster, and the bot's own milliseconds (SQL, HTTP) weigh on the
// figures as if they were seconds.
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.05);
const FANS = Number(process.env.BENCH_FANS ?? 100);
const PER_FAN = Number(process.env.BENCH_PER_FAN ?? 5);
const SECRET = 'bench-secret';
const LIMIT = DEFAULT_TRAFFIC_LIMITS.groupPerMinute;
const PLANNED_PER_MINUTE = LIMIT / (1 + DEFAULT_TRAFFIC_LIMITS.safetyRatio);

/** Real ms → simulated s. */
const simSeconds = (ms) => ms / 1000 / TIME_SCALE;

async function startInstance(sim, admin, db) {
  const runtime = await buildRuntime({
    botToken: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: admin.chatId,
    ...(admin.chatIds.length > 1 ? { adminChatIds: admin.chatIds } : {}),
    ownerIds: [admin.ownerId],
    webhookSecret: SECRET,
    mode: 'webhook',
    db,
    logger: silentLogger,
    tuning: { limits: { timeScale: TIME_SCALE }, idlePollMs: 20, pauseRefreshMs: 200 },
  });
  await runtime.start();
  const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  return { runtime, url: `${address}/telegram-webhook` };
}

/** Texts `prefix…` delivered into the admin groups `chatIds` so far. */
function delivered(sim, chatIds, prefix) {
  return chatIds.flatMap((chatId) =>
    sim.control.messages(chatId).filter((m) => m.text?.startsWith(prefix)),
  );
}

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Group messages (copies counted one by one) of successful calls since `from`, by time. */
function groupSends(sim, chatId, from) {
  const times = [];
  for (const c of sim.control.calls()) {
    if (c.params.chat_id !== chatId || c.outcome !== 'ok' || c.time < from) continue;
    if (/^(get|answer|delete|unpin|setMy|setWebhook)/.test(c.method)) continue;
    const n = Array.isArray(c.result) ? c.result.length : 1;
    for (let i = 0; i < n; i++) times.push(c.time);
  }
  return times.sort((a, b) => a - b);
}

function busiestWindow(times) {
  const windowMs = 60_000 * TIME_SCALE;
  let busiest = 0;
  for (let i = 0, start = 0; i < times.length; i++) {
    while (times[start] <= times[i] - windowMs) start++;
    busiest = Math.max(busiest, i - start + 1);
  }
  return busiest;
}

async function bench(dialect, serverUrl, instances, groups) {
  const sim = createTelegramSimulator({ timeScale: TIME_SCALE });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const chatIds = Array.from(
    { length: groups },
    (_, i) =>
      sim.control.createForumGroup({ title: `Bench team ${i + 1}`, ownerId: owner.id }).chatId,
  );
  const admin = { chatId: chatIds[0], chatIds, ownerId: owner.id };
  const database = await freshDatabase(dialect, serverUrl);
  await database.db.migrate.latest();
  await freeMessages(database.db);
  const pools = [database.db];
  const started = [];
  for (let i = 0; i < instances; i++) {
    // Another instance: its own pool on the same database.
    const db =
      i === 0 ? database.db : createDb(database.db.client.config.connection.connectionString);
    if (i > 0) pools.push(db);
    started.push(await startInstance(sim, admin, db));
  }
  await sim.callApi('setWebhook', { url: started[0].url, secret_token: SECRET });
  const fans = Array.from({ length: FANS }, (_, i) =>
    sim.control.createUser({ first_name: `Cap${i}` }),
  );
  // Setup: every fan writes once, so each has a topic and a card before the burst.
  for (const fan of fans) sim.control.fanSendsText(fan.id, `hello ${fan.id}`);
  await waitUntil(() => delivered(sim, chatIds, 'hello ').length >= FANS, 30 * 60_000, 'setup');
  // Let the setup's window pass so the burst starts with the whole budget.
  await new Promise((resolve) => setTimeout(resolve, 70_000 * TIME_SCALE));

  const from = Date.now();
  const total = FANS * PER_FAN;
  for (let round = 0; round < PER_FAN; round++)
    for (const fan of fans) sim.control.fanSendsText(fan.id, `burst ${fan.id} ${round}`);
  // A brand-new fan writes a quarter of the way into the burst.
  let newFanMs = NaN;
  const newcomerAt = from + (total / 4 / PLANNED_PER_MINUTE / groups) * 60_000 * TIME_SCALE;
  const newcomer = (async () => {
    await new Promise((resolve) => setTimeout(resolve, newcomerAt - Date.now()));
    const fan = sim.control.createUser({ first_name: 'Newcomer' });
    const at = Date.now();
    sim.control.fanSendsText(fan.id, 'newcomer hello');
    await waitUntil(() => delivered(sim, chatIds, 'newcomer ').length > 0, 60 * 60_000, 'newcomer');
    newFanMs = Date.now() - at;
  })();
  await waitUntil(() => delivered(sim, chatIds, 'burst ').length >= total, 60 * 60_000, 'burst');
  const drainMs = Date.now() - from;
  await newcomer;
  const drain = simSeconds(drainMs);
  const calls = sim.control.calls();
  const perGroup = chatIds.map((chatId) => {
    const sends = groupSends(sim, chatId, from);
    const burst = delivered(sim, [chatId], 'burst ');
    const last = Math.max(
      from,
      ...calls
        .filter((c) => c.params.chat_id === chatId && c.outcome === 'ok' && c.time >= from)
        .filter((c) => /^(send|copy)/.test(c.method))
        .map((c) => c.time),
    );
    const own = Math.min(drain, simSeconds(last - from));
    return {
      fans: new Set(burst.map((m) => m.text.split(' ')[1])).size,
      texts: burst.length,
      drain: own,
      // Over the group's own drain: its group messages until its last relay.
      perMinute: (sends.filter((t) => t <= last).length / own) * 60,
      busiest: busiestWindow(sends),
      tooMany: calls.filter(
        (c) => c.params.chat_id === chatId && c.time >= from && c.error?.error_code === 429,
      ).length,
    };
  });
  for (const s of started.reverse()) await s.runtime.stop();
  await sim.close();
  for (const pool of pools.slice(1)) await pool.destroy();
  await database.destroy();
  const optimum = (total / PLANNED_PER_MINUTE / groups) * 60;
  const sum = (f) => perGroup.reduce((n, g) => n + f(g), 0);
  return {
    drain,
    optimum,
    perMinute: sum((g) => g.perMinute),
    busiest: Math.max(...perGroup.map((g) => g.busiest)),
    tooMany: sum((g) => g.tooMany),
    newFan: simSeconds(newFanMs),
    perGroup,
  };
}

const { serverUrl, dialects } = benchDialects();
console.log(
  `premiumbot capacity benchmark (node ${process.version}, ${os.cpus().length} CPUs, time ×${1 / TIME_SCALE}, ` +
    `${LIMIT}/min per group, planned ${PLANNED_PER_MINUTE.toFixed(2)}/min)`,
);
/** Runs as `dialect`, `dialect×2` (two instances) or `dialect+2g` (two admin groups). */
const allRuns = dialects.flatMap((d) =>
  d === 'postgres' ? [d, `${d}×2`, `${d}+2g`] : [d, `${d}+2g`],
);
const picked = process.env.BENCH_RUNS?.split(',').map((r) => r.trim().replace('x', '×'));
for (const label of allRuns.filter((r) => !picked || picked.includes(r))) {
  const [, dialect, instances = '1', groups = '1'] =
    /^(\w+)(?:×(\d+))?(?:\+(\d+)g)?$/.exec(label) ?? [];
  const r = await bench(dialect, serverUrl, Number(instances), Number(groups));
  const planned = PLANNED_PER_MINUTE * Number(groups);
  console.log(
    `${label.padEnd(12)} ${FANS * PER_FAN} texts from ${FANS} fans: drained in ${r.drain.toFixed(0)} s ` +
      `(optimum ${r.optimum.toFixed(0)} s, ${((r.optimum / r.drain) * 100).toFixed(0)} %); ` +
      `${r.perMinute.toFixed(1)} group messages/min (${((r.perMinute / planned) * 100).toFixed(0)} % of planned), ` +
      `busiest 60-s window ${r.busiest}/${LIMIT}, ${r.tooMany} × 429; new fan's first message after ${r.newFan.toFixed(0)} s`,
  );
  if (r.perGroup.length > 1)
    r.perGroup.forEach((g, i) =>
      console.log(
        `  group ${i + 1}: ${g.fans} fans, ${g.texts} texts drained in ${g.drain.toFixed(0)} s; ` +
          `${g.perMinute.toFixed(1)} group messages/min (${((g.perMinute / PLANNED_PER_MINUTE) * 100).toFixed(0)} % of planned), ` +
          `busiest 60-s window ${g.busiest}/${LIMIT}, ${g.tooMany} × 429`,
      ),
    );
}
if (dialects.length === 1)
  console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres and two instances)');
