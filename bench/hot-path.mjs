// @ts-check
/**
 * Hot-path benchmark (issue 17; not a test). Paid fan texts through the shipped runtime in
 * webhook mode against the Telegram simulator with every limit lifted, and in the same run a
 * bare telegraf + fastify relay (topic per fan + copyMessage, no database) as the baseline.
 * Each server runs in a child process of its own (its CPU, RSS and SQL are its own); this
 * process hosts the simulator and posts the updates (closed loop, BENCH_CONCURRENCY at once).
 *
 * Scenarios: `many` — BENCH_FANS fans (100) writing BENCH_PER_FAN texts (30) each; `once` —
 * BENCH_NEW_FANS fans (2,000; 10,000 in the issue) writing once; `history` — one fan with
 * BENCH_HISTORY ledger rows (100,000) and a new fan, BENCH_SERIAL texts (200) each, one at
 * a time; `rate` — BENCH_FANS fans writing BENCH_RATE_PER_FAN (20) texts each, posted open
 * loop at BENCH_RATE (200) updates/s (ack latency at a given offered load; also printed
 * for the acks after each fan's first text, whose topic and card the first round creates). SQLite always;
 * Postgres when BENCH_DATABASE_URL or TEST_DATABASE_URL says so. BENCH_SCENARIOS=
 * many,once,history,rate picks scenarios (default: all). BENCH_PROF=<dir> writes a CPU
 * profile of each premiumbot server. Runs the built code in dist/.
 *
 * Only Telegram's limits are lifted (the traffic time scale): the product's own coalescing
 * delays — the balance bar after a burst (3 s) and the card refresh (30 s) — keep their
 * production values, as a creator's server runs them. BENCH_SCALED_DELAYS=1 scales them down
 * with the limits (50 / 100 ms floors: a bar and a card edit per message, as the tables of
 * docs/architecture.md before 2026-12-07 measured). The admin group's re-check (once a
 * minute) keeps its production period too.
 *
 * Each run's line has its relays/s, and when the relays trailed the acknowledgements, the
 * relays/s while the updates were being posted and after (the outbox's drain).
 * Besides each run's line (and BENCH_SQL_TOP's statements) it prints the server's memory (RSS
 * at the start of the run and its peak, the V8 heap used and reserved, memory outside it),
 * the run's relays/s as a share of the bare relay of the same run, and at the end, for each
 * server that ran both, `once` against `many` (issue 17: within 20 %) with the 👀 receipts of
 * `once`. BENCH_DIALECTS=sqlite|postgres runs one database only; BENCH_RELAY_TIMEOUT_S (300)
 * is how long the relays may trail the last acknowledgement; BENCH_NODE_FLAGS sets the node
 * flags of the premiumbot servers — by default `--max-old-space-size=256`, as the Docker image
 * and the systemd unit start serve (BENCH_NODE_FLAGS= for none); BENCH_KEEP_DB=1 keeps each
 * SQLite file (its path printed) for a look afterwards; BENCH_WORKER_CONCURRENCY (16) sets the
 * outbox worker's calls in flight (traffic config `concurrency`); BENCH_CALLS=1 prints the
 * Bot API calls per text by method. Each server (the bare relay too) is warmed up before it is
 * measured: BENCH_WARMUP (300) texts from 30 fans of its own, all relayed (0: measured cold).
 * A 👀 counts for the fan's text it is on and their earlier ones (a burst gets one reaction,
 * on its latest message).
 *
 *   npm run bench:hot-path
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:hot-path
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SIZES = {
  fans: env('BENCH_FANS', 100),
  perFan: env('BENCH_PER_FAN', 30),
  newFans: env('BENCH_NEW_FANS', 2000),
  history: env('BENCH_HISTORY', 100_000),
  serial: env('BENCH_SERIAL', 200),
  concurrency: env('BENCH_CONCURRENCY', 50),
  rate: env('BENCH_RATE', 200),
  ratePerFan: env('BENCH_RATE_PER_FAN', 20),
  /**
   * Texts each server takes before it is measured, from WARMUP_FANS fans of its own (its code
   * compiled and its caches and pools filled, as on a server that has been up a while); the
   * measured fans are still new to it. 0: measured cold.
   */
  warmup: env('BENCH_WARMUP', 300),
  /** How long the relays may trail the last acknowledgement (s). */
  relayTimeoutS: env('BENCH_RELAY_TIMEOUT_S', 300),
};
/** Node flags of serve as the Docker image and the systemd unit start it. */
const SERVE_NODE_FLAGS = '--max-old-space-size=256';
const SECRET = 'bench-secret';
const PREFIX = 'hp ';
const WARMUP_PREFIX = 'warm ';
const WARMUP_FANS = 30;

if (process.argv[2] === 'child') await child();
else await main();

// ---- the server under test (child process) ------------------------------------------------

async function child() {
  // The configuration comes in a file: 10,000 fans do not fit in an argument (E2BIG).
  const config = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  let statements = 0;
  // BENCH_SQL_TOP=<n>: the n statements run most often during the run, with their time.
  /** @type {Map<string, { n: number, ms: number }>} */
  const byText = new Map();
  /** @type {Map<string, number>} */
  const startedAt = new Map();
  let counting = false;
  let rssPeak = process.memoryUsage().rss;
  // What the RSS is made of: the V8 heap (used, and reserved with the young generation) and
  // memory outside it (Buffers, SQLite's and the native modules' allocations).
  let memAtStart = process.memoryUsage();
  let heapUsedPeak = 0;
  let heapTotalPeak = 0;
  let externalPeak = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapUsedPeak = Math.max(heapUsedPeak, m.heapUsed);
    heapTotalPeak = Math.max(heapTotalPeak, m.heapTotal);
    externalPeak = Math.max(externalPeak, m.external);
  }, 100);
  const server = config.kind === 'bare' ? await bareRelay(config) : await premiumbot(config);
  /** @type {NodeJS.CpuUsage | undefined} */
  let cpuStart;
  let sqlStart = 0;
  process.on('message', async (msg) => {
    const m = /** @type {{ type: string }} */ (msg);
    if (m.type === 'mark') {
      cpuStart = process.cpuUsage();
      sqlStart = statements;
      byText.clear();
      counting = true;
      memAtStart = process.memoryUsage();
      rssPeak = memAtStart.rss;
      heapUsedPeak = memAtStart.heapUsed;
      heapTotalPeak = memAtStart.heapTotal;
      externalPeak = memAtStart.external;
      process.send?.({ type: 'marked' });
    } else if (m.type === 'report') {
      const cpu = process.cpuUsage(cpuStart);
      process.send?.({
        type: 'report',
        cpuMs: (cpu.user + cpu.system) / 1000,
        statements: statements - sqlStart,
        rssPeak,
        memory: {
          rssAtStart: memAtStart.rss,
          heapUsedAtStart: memAtStart.heapUsed,
          heapUsedPeak,
          heapTotalPeak,
          externalPeak,
        },
        sqlTop: [...byText]
          .sort((a, b) => b[1].n - a[1].n)
          .slice(0, Number(process.env.BENCH_SQL_TOP ?? 0)),
      });
      counting = false;
    } else if (m.type === 'stop') {
      clearInterval(sampler);
      // A server whose shutdown hangs (work stuck in flight) must not hang the benchmark.
      const limit = new Promise((resolve) => setTimeout(resolve, 30_000).unref());
      const stopped = await Promise.race([server.stop().then(() => true), limit]);
      if (!stopped) console.error(`[${config.kind} ${config.dialect}] stop timed out after 30 s`);
      process.exit(0);
    }
  });
  if (server.db) server.db.on('query', () => statements++);
  if (server.db && process.env.BENCH_SQL_TOP) {
    const text = (q) => q.sql.replace(/\s+/g, ' ').slice(0, 160);
    server.db.on('query', (q) => startedAt.set(q.__knexQueryUid, performance.now()));
    const done = (q) => {
      const t0 = startedAt.get(q.__knexQueryUid);
      startedAt.delete(q.__knexQueryUid);
      if (!counting || !q.sql) return;
      const entry = byText.get(text(q)) ?? { n: 0, ms: 0 };
      entry.n++;
      if (t0 !== undefined) entry.ms += performance.now() - t0;
      byText.set(text(q), entry);
    };
    server.db.on('query-response', (_r, q) => done(q));
    server.db.on('query-error', (_e, q) => done(q));
  }
  process.send?.({ type: 'ready', url: server.url });
}

/** The shipped runtime, fans credited through the ledger. */
async function premiumbot(config) {
  const { buildRuntime } = await import('../dist/cli/runtime/index.js');
  const { silentLogger } = await import('../dist/core/logger.js');
  const { freshDatabase } = await import('./lib.mjs');
  const database = await freshDatabase(config.dialect, config.serverUrl);
  const { db } = database;
  await db.migrate.latest();
  const runtime = await buildRuntime({
    botToken: config.token,
    apiRoot: config.apiRoot,
    adminChatId: config.adminChatId,
    ownerIds: [config.ownerId],
    webhookSecret: SECRET,
    mode: 'webhook',
    db,
    logger: silentLogger,
    tuning: {
      limits: { timeScale: 0.00001 },
      // The outbox worker's calls in flight (traffic config `concurrency`, 8 by default).
      concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16),
      idlePollMs: 10,
      // The admin group's re-check is the product's own timer (once a minute), not a Telegram
      // limit: scaled with the limits it read bot_state every few milliseconds.
      ...(config.scaledDelays ? {} : { groupRecheckSeconds: 60 / 0.00001 }),
    },
    ...(config.scaledDelays ? {} : { fan: { balanceBarDelayMs: 3_000, cardRefreshMs: 30_000 } }),
  });
  for (const fan of config.fans) {
    await runtime.ledger.ensureUser({ id: fan.id, firstName: fan.first_name });
    await runtime.ledger.grantCredits(fan.id, 1_000_000, `grant:bench_${fan.id}`);
  }
  if (config.historyFan) await seedHistory(db, runtime.ledger, config.historyFan, config.history);
  await runtime.start();
  const url = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    db,
    url: `${url}/telegram-webhook`,
    async stop() {
      await runtime.stop();
      await database.destroy();
    },
  };
}

/**
 * `rows` ledger entries for one fan, written in bulk (a gift and a spend in turn, so they sum
 * to nothing), then one real grant through the ledger so the fan's row is what the ledger says.
 */
async function seedHistory(db, ledger, fanId, rows) {
  const batch = [];
  const at = new Date();
  for (let i = 0; i < rows; i++) {
    const gift = i % 2 === 0;
    batch.push({
      user_id: fanId,
      kind: gift ? 'gift' : 'spend',
      credits_delta: gift ? 1 : -1,
      idempotency_key: `bench_history:${fanId}:${i}`,
      created_at: at,
    });
    if (batch.length === 500 || i === rows - 1) {
      await db('credit_ledger').insert(batch.splice(0));
    }
  }
  await ledger.grantCredits(fanId, 1_000, `grant:bench_history_${fanId}`);
}

/** A bare relay: telegraf + fastify, a topic per fan (single flight), copyMessage, no database. */
async function bareRelay(config) {
  const { Telegraf } = await import('telegraf');
  const { default: Fastify } = await import('fastify');
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot } });
  bot.botInfo = await bot.telegram.getMe();
  /** @type {Map<number, Promise<number>>} */
  const topics = new Map();
  bot.on('message', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    let topic = topics.get(ctx.chat.id);
    if (!topic) {
      const name = ctx.from.first_name.slice(0, 128);
      topic = bot.telegram
        .createForumTopic(config.adminChatId, name)
        .then((t) => t.message_thread_id);
      topics.set(ctx.chat.id, topic);
    }
    const threadId = await topic;
    await ctx.telegram.copyMessage(config.adminChatId, ctx.chat.id, ctx.message.message_id, {
      message_thread_id: threadId,
    });
  });
  const app = Fastify();
  app.post('/telegram-webhook', async (request, reply) => {
    if (request.headers['x-telegram-bot-api-secret-token'] !== SECRET) return reply.code(401);
    await bot.handleUpdate(/** @type {any} */ (request.body));
    return { ok: true };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { db: undefined, url: `${url}/telegram-webhook`, stop: () => app.close() };
}

// ---- the driver (this process) ------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Starts a child server; resolves with a handle once it listens. */
function startServer(config) {
  const configFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'pb-hot-path-')),
    'config.json',
  );
  fs.writeFileSync(configFile, JSON.stringify(config));
  const proc = fork(new URL(import.meta.url).pathname, ['child', configFile], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BENCH_PROF=<dir>: a CPU profile of each premiumbot server (node --cpu-prof).
    // BENCH_NODE_FLAGS: node/V8 flags of the premiumbot servers; by default serve's as shipped.
    execArgv: [
      ...(process.env.BENCH_PROF && config.kind !== 'bare'
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`]
        : []),
      ...(config.kind !== 'bare'
        ? (process.env.BENCH_NODE_FLAGS ?? SERVE_NODE_FLAGS).split(' ').filter(Boolean)
        : []),
    ],
  });
  const waiting = new Map();
  proc.on('message', (msg) => {
    const m = /** @type {{ type: string }} */ (msg);
    const resolve = waiting.get(m.type);
    waiting.delete(m.type);
    resolve?.(m);
  });
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve));
  const exited = new Promise((resolve) => proc.on('exit', resolve)).then(() =>
    fs.rmSync(path.dirname(configFile), { recursive: true, force: true }),
  );
  return next('ready').then((ready) => ({
    url: /** @type {any} */ (ready).url,
    async mark() {
      const done = next('marked');
      proc.send({ type: 'mark' });
      await done;
    },
    async report() {
      const done = next('report');
      proc.send({ type: 'report' });
      return /** @type {any} */ (await done);
    },
    async stop() {
      proc.send({ type: 'stop' });
      await exited;
    },
  }));
}

/** Makes the fans' texts in the simulator and takes their updates (no webhook is set). */
async function makeUpdates(sim, plan, prefix = PREFIX) {
  for (const [fan, text] of plan) sim.control.fanSendsText(fan.id, text);
  const updates = [];
  let offset = 0;
  for (;;) {
    const out = await sim.callApi('getUpdates', { offset, limit: 100, timeout: 0 });
    const batch = /** @type {any[]} */ (out.kind === 'ok' ? out.result : []);
    if (batch.length === 0) break;
    // Only the texts of the plan (the group's creation brings a membership update too).
    updates.push(...batch.filter((u) => u.message?.text?.startsWith(prefix)));
    offset = batch[batch.length - 1].update_id + 1;
  }
  return updates;
}

/** How many of the run's texts reached the admin group. */
function relayedCount(sim, adminChatId, prefix = PREFIX) {
  let n = 0;
  for (const m of sim.control.messages(adminChatId)) if (m.text?.startsWith(prefix)) n++;
  return n;
}

/**
 * Warms `server` up (SIZES.warmup texts from `warmFans`, all relayed), then waits out the
 * balance bars they asked for (3 s after a fan's last spend) so none lands in the run.
 */
async function warmUp(sim, server, adminChatId, warmFans, scaledDelays) {
  if (SIZES.warmup <= 0 || warmFans.length === 0) return;
  const plan = [];
  for (let i = 0; plan.length < SIZES.warmup; i++) {
    plan.push([warmFans[i % warmFans.length], `${WARMUP_PREFIX}${i}`]);
  }
  const updates = await makeUpdates(sim, plan, WARMUP_PREFIX);
  await post(server.url, updates, SIZES.concurrency);
  const deadline = performance.now() + 60_000;
  while (
    relayedCount(sim, adminChatId, WARMUP_PREFIX) < updates.length &&
    performance.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, scaledDelays ? 200 : 3_500));
}

/**
 * The fan texts a 👀 stands for: a fan's reaction on a message covers it and their earlier
 * ones (a burst gets one reaction, on its latest message — receipts.ts).
 */
function receiptCount(sim, fans) {
  let n = 0;
  for (const fan of fans) {
    const texts = sim.control
      .messages(fan.id)
      .filter((m) => !m.fromBot && m.text?.startsWith(PREFIX));
    const last = texts.findLastIndex((m) => m.reactions.length > 0);
    n += last + 1;
  }
  return n;
}

/** Posts `updates` with `concurrency` at once; returns the sorted ack latencies (ms). */
async function post(url, updates, concurrency) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < updates.length) {
      const update = updates[next++];
      const started = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies.sort((a, b) => a - b);
}

/**
 * Posts `updates` open loop: one every 1/`rate` s whatever the answers (Telegram does not
 * wait for the previous webhook call); returns the sorted ack latencies (ms), with `byIndex`:
 * each update's latency in the order posted.
 */
async function postOpenLoop(url, updates, rate) {
  const latencies = [];
  const byIndex = new Array(updates.length).fill(Infinity);
  const failed = [];
  const started = performance.now();
  const calls = updates.map(async (update, i) => {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      byIndex[i] = performance.now() - sent;
      latencies.push(byIndex[i]);
    } catch {
      // Not acknowledged (refused, timed out): counted, and as slow as can be in the tail.
      failed.push(update.update_id);
      latencies.push(Infinity);
    }
  });
  await Promise.all(calls);
  if (failed.length > 0) console.log(`  (${failed.length} posts not acknowledged)`);
  return Object.assign(
    latencies.sort((a, b) => a - b),
    { byIndex },
  );
}

/** One server, one scenario: a fresh simulator, fans, the load, the figures. */
async function run(kind, dialect, serverUrl, scenario) {
  const trace = (s) => process.env.BENCH_TRACE && console.error(`[${kind} ${dialect}] ${s}`);
  const { createTelegramSimulator } = await import('../dist/sandbox/telegram/index.js');
  const sim = createTelegramSimulator({ rateLimits: false });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'Bench team', ownerId: owner.id });
  const fans = Array.from({ length: scenario.fans }, (_, i) =>
    sim.control.createUser({ first_name: `Fan${i}` }),
  );
  const historyFan = scenario.name === 'history' ? fans[0] : undefined;
  const warmFans = Array.from({ length: SIZES.warmup > 0 ? WARMUP_FANS : 0 }, (_, i) =>
    sim.control.createUser({ first_name: `Warm${i}` }),
  );
  const scaledDelays = process.env.BENCH_SCALED_DELAYS === '1';
  const server = await startServer({
    kind,
    dialect,
    serverUrl,
    token: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: chatId,
    ownerId: owner.id,
    fans: [...warmFans, ...fans].map((f) => ({ id: f.id, first_name: f.first_name })),
    historyFan: historyFan?.id,
    history: SIZES.history,
    scaledDelays,
  });
  trace('server up');
  await warmUp(sim, server, chatId, warmFans, scaledDelays);
  trace('warmed up');
  const result = { kind, dialect, scenario: scenario.name };
  if (scenario.name === 'history') {
    // One message at a time, the two fans in turn (neither gains from running second):
    // per-message latency of the long-history fan against a new fan's.
    const plan = [];
    for (let i = 0; i < SIZES.serial; i++) {
      plan.push([fans[0], `${PREFIX}history ${i}`], [fans[1], `${PREFIX}new ${i}`]);
    }
    const updates = await makeUpdates(sim, plan);
    const byFan = { history: [], new: [] };
    for (const update of updates) {
      const lat = await post(server.url, [update], 1);
      byFan[update.message.chat.id === fans[0].id ? 'history' : 'new'].push(lat[0]);
    }
    for (const label of ['history', 'new']) {
      const lat = byFan[label].sort((a, b) => a - b);
      result[label] = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
    }
  } else {
    const plan = [];
    for (let round = 0; round < scenario.perFan; round++) {
      for (const fan of fans) plan.push([fan, `${PREFIX}${round}`]);
    }
    const updates = await makeUpdates(sim, plan);
    await server.mark();
    const callsBefore = sim.control.calls().length;
    const started = performance.now();
    const lat =
      scenario.name === 'rate'
        ? await postOpenLoop(server.url, updates, SIZES.rate)
        : await post(server.url, updates, SIZES.concurrency);
    trace('acknowledged');
    const ackSeconds = (performance.now() - started) / 1000;
    const deadline = performance.now() + SIZES.relayTimeoutS * 1000;
    // Only acknowledged updates are the server's to relay.
    const acked = lat.filter(Number.isFinite).length;
    // Relayed while the updates were being posted: the rest is the outbox's drain after.
    const relayedAtAck = relayedCount(sim, chatId);
    // Polled often: the run's end is when its last relay arrived, within 10 ms.
    while (relayedCount(sim, chatId) < acked && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const relaySeconds = (performance.now() - started) / 1000;
    const relayed = relayedCount(sim, chatId);
    const receiptsAtLastRelay = kind === 'bare' ? undefined : receiptCount(sim, fans);
    // Receipts trail the relays: wait for them (a minute at most) and say when all were in.
    const receiptDeadline = performance.now() + 60_000;
    while (
      kind !== 'bare' &&
      receiptCount(sim, fans) < updates.length &&
      performance.now() < receiptDeadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const receiptSeconds = (performance.now() - started) / 1000;
    const report = await server.report();
    Object.assign(result, {
      messages: updates.length,
      acksPerSecond: updates.length / ackSeconds,
      ackP50: percentile(lat, 50),
      ackP99: percentile(lat, 99),
      // Open loop: the acks after each fan's first text (which creates the fan's topic and
      // card), the server's steady state; the first round is in the figures above.
      ...(lat.byIndex && {
        steady: (() => {
          const later = lat.byIndex.slice(scenario.fans).sort((a, b) => a - b);
          return { p50: percentile(later, 50), p99: percentile(later, 99) };
        })(),
      }),
      relayed,
      relaysPerSecond: relayed / relaySeconds,
      relayedAtAck,
      ackSeconds,
      receiptsAtLastRelay,
      receipts: kind === 'bare' ? undefined : receiptCount(sim, fans),
      receiptSeconds,
      relaySeconds,
      cpuMsPerMessage: report.cpuMs / updates.length,
      sqlPerMessage: report.statements / updates.length,
      rssMb: report.rssPeak / 2 ** 20,
      memory: report.memory,
      sqlTop: report.sqlTop,
      // BENCH_CALLS=1: the Bot API calls the server made, by method (per text below).
      ...(process.env.BENCH_CALLS === '1' && {
        calls: callsByMethod(sim.control.calls().slice(callsBefore)),
      }),
    });
  }
  await server.stop();
  await sim.close();
  return result;
}

/** Calls by method, most first. */
function callsByMethod(calls) {
  const by = new Map();
  for (const call of calls) by.set(call.method, (by.get(call.method) ?? 0) + 1);
  return [...by].sort((a, b) => b[1] - a[1]);
}

function print(r, bare) {
  const f = (n, d = 0) => (n === undefined ? '-' : n.toFixed(d));
  const name = `${r.scenario.padEnd(8)} ${r.kind.padEnd(11)} ${r.dialect.padEnd(8)}`;
  if (r.scenario === 'history') {
    console.log(
      `${name} ack p50/p99: fan with ${SIZES.history} ledger rows ${f(r.history.p50, 1)}/${f(r.history.p99, 1)} ms, new fan ${f(r.new.p50, 1)}/${f(r.new.p99, 1)} ms (${SIZES.serial} texts each, one at a time, in turn)`,
    );
    return;
  }
  console.log(
    `${name} ${f(r.acksPerSecond)} acks/s, ack p50 ${f(r.ackP50, 1)} / p99 ${f(r.ackP99, 1)} ms, ` +
      (r.steady
        ? `after each fan's first text ${f(r.steady.p50, 1)} / ${f(r.steady.p99, 1)} ms, `
        : '') +
      `${f(r.relaysPerSecond)} relays/s (${r.relayed}/${r.messages}` +
      (r.relaySeconds > r.ackSeconds + 0.05
        ? `; ${f(r.relayedAtAck / r.ackSeconds)}/s while posted, ` +
          `${f((r.relayed - r.relayedAtAck) / (r.relaySeconds - r.ackSeconds))}/s after`
        : '') +
      `), ` +
      `CPU ${f(r.cpuMsPerMessage, 2)} ms/msg, SQL ${f(r.sqlPerMessage, 1)}/msg, RSS ${f(r.rssMb)} MB` +
      (r.receipts === undefined
        ? ''
        : `, 👀 ${r.receiptsAtLastRelay}/${r.messages} at the last relay (${f(r.relaySeconds, 1)} s), ` +
          `${r.receipts}/${r.messages} at ${f(r.receiptSeconds, 1)} s`),
  );
  if (r.calls) {
    console.log(
      `    Bot API calls per text: ${r.calls.map(([m, n]) => `${m} ${(n / r.messages).toFixed(2)}`).join(', ')}`,
    );
  }
  for (const [sql, { n, ms }] of r.sqlTop ?? []) {
    console.log(`    ${(n / r.messages).toFixed(2)}/msg ${(ms / n).toFixed(2)} ms  ${sql}`);
  }
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
  if (r.memory) {
    const m = r.memory;
    console.log(
      `  memory: RSS ${mb(m.rssAtStart)} MB at the start of the run, peak ${f(r.rssMb)} MB; ` +
        `V8 heap used ${mb(m.heapUsedAtStart)} → peak ${mb(m.heapUsedPeak)} MB ` +
        `(reserved peak ${mb(m.heapTotalPeak)} MB), external peak ${mb(m.externalPeak)} MB`,
    );
  }
  if (bare && r.kind !== 'bare' && bare.relaysPerSecond > 0) {
    console.log(
      `  ratio: relays/s ${f((100 * r.relaysPerSecond) / bare.relaysPerSecond)} % of the bare ` +
        `relay of the run (${f(r.relaysPerSecond)} / ${f(bare.relaysPerSecond)}); ` +
        `CPU ${f(r.cpuMsPerMessage / bare.cpuMsPerMessage, 1)}× the bare relay's per message`,
    );
  }
}

/**
 * What issue 17's acceptance reads: for each server, `once` (new fans writing once) against
 * `many` (known fans writing a lot) — relays/s and their ratio to the bare relay of each run.
 */
function printAcceptance(results) {
  const f = (n, d = 0) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d));
  const find = (scenario, kind, dialect) =>
    results.find((r) => r.scenario === scenario && r.kind === kind && r.dialect === dialect);
  const servers = [...new Set(results.map((r) => `${r.kind} ${r.dialect}`))];
  const lines = [];
  for (const server of servers) {
    const [kind, dialect] = server.split(' ');
    const many = find('many', kind, dialect);
    const once = find('once', kind, dialect);
    if (!many || !once) continue;
    const ratio = once.relaysPerSecond / many.relaysPerSecond;
    const ofBare = (r) => {
      const bare = find(r.scenario, 'bare', '-');
      return kind === 'bare' || !bare
        ? ''
        : `, ${f((100 * r.relaysPerSecond) / bare.relaysPerSecond)} % of bare`;
    };
    const receipts =
      once.receipts === undefined
        ? ''
        : `; 👀 of \`once\`: ${once.receiptsAtLastRelay}/${once.messages} at the last relay, ` +
          `${once.receipts}/${once.messages} ${f(once.receiptSeconds - once.relaySeconds, 1)} s later` +
          (once.receipts === once.messages ? ' (all)' : ' (NOT all)');
    lines.push(
      `  ${kind.padEnd(11)} ${dialect.padEnd(8)} once ${f(once.relaysPerSecond)} relays/s (${once.messages} fans${ofBare(once)}) ` +
        `vs many ${f(many.relaysPerSecond)} relays/s${ofBare(many)}: once/many ${f(100 * ratio)} % ` +
        `(${ratio >= 0.8 ? 'within' : 'NOT within'} 20 %)` +
        `; CPU ${f(once.cpuMsPerMessage, 2)} vs ${f(many.cpuMsPerMessage, 2)} ms/msg, ` +
        `SQL ${f(once.sqlPerMessage, 1)} vs ${f(many.sqlPerMessage, 1)}/msg${receipts}`,
    );
  }
  if (lines.length === 0) return;
  console.log('acceptance (issue 17): 10,000 fans writing once vs 100 fans writing a lot');
  for (const line of lines) console.log(line);
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';
  // BENCH_DIALECTS=postgres (or sqlite): one database only.
  const dialects = ['sqlite', ...(/^postgres/i.test(serverUrl) ? ['postgres'] : [])].filter(
    (d) => !process.env.BENCH_DIALECTS || process.env.BENCH_DIALECTS.split(',').includes(d),
  );
  const wanted = (process.env.BENCH_SCENARIOS ?? 'many,once,history,rate').split(',');
  const scenarios = [
    { name: 'many', fans: SIZES.fans, perFan: SIZES.perFan },
    { name: 'once', fans: SIZES.newFans, perFan: 1 },
    { name: 'history', fans: 2, perFan: 0 },
    { name: 'rate', fans: SIZES.fans, perFan: SIZES.ratePerFan },
  ].filter((s) => wanted.includes(s.name));
  console.log(
    `premiumbot hot-path benchmark (node ${process.version}, ${os.cpus().length} CPUs; ` +
      `concurrency ${SIZES.concurrency}, open loop ${SIZES.rate}/s for \`rate\`, limits lifted; ` +
      `premiumbot's node flags: ${(process.env.BENCH_NODE_FLAGS ?? SERVE_NODE_FLAGS) || 'none'}; ` +
      (SIZES.warmup > 0
        ? `each server warmed up with ${SIZES.warmup} texts from ${WARMUP_FANS} fans of its own)`
        : 'measured cold)'),
  );
  const results = [];
  for (const scenario of scenarios) {
    let bare;
    if (scenario.name !== 'history') {
      bare = await run('bare', '-', serverUrl, scenario);
      results.push(bare);
      print(bare);
    }
    for (const dialect of dialects) {
      const r = await run('premiumbot', dialect, serverUrl, scenario);
      results.push(r);
      print(r, bare);
    }
  }
  printAcceptance(results);
  if (!/^postgres/i.test(serverUrl))
    console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
}
