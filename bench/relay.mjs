// @ts-check
/**
 * Relay benchmark (not a test): webhook acknowledgement latency (p50/p99) of fan texts
 * through the shipped runtime (every message cost set to 0, so fans need no credits; the
 * fan message use case still runs: account, lock, spend check, outbox) and outbox
 * throughput against the Telegram simulator, on SQLite and — when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL points at Postgres — on Postgres too. Runs the built code in dist/.
 *
 *   npm run bench:relay
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:relay
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildRuntime } from '../dist/cli/runtime/index.js';
import { silentLogger } from '../dist/core/logger.js';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';
import { benchDialects, freeMessages, freshDatabase } from './lib.mjs';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 2000);
const WEBHOOK_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const FANS = 200;
const SECRET = 'bench-secret';

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function bench(dialect, serverUrl) {
  const sim = createTelegramSimulator({ rateLimits: false });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'Bench team', ownerId: owner.id });
  const fans = Array.from({ length: FANS }, (_, i) =>
    sim.control.createUser({ first_name: `Bench${i}` }),
  );
  for (const fan of fans) sim.control.fanSendsText(fan.id, '/start');
  const database = await freshDatabase(dialect, serverUrl);
  await database.db.migrate.latest();
  await freeMessages(database.db);
  const runtime = await buildRuntime({
    botToken: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: chatId,
    ownerIds: [owner.id],
    webhookSecret: SECRET,
    mode: 'webhook',
    db: database.db,
    logger: silentLogger,
    // Flood limits off on both sides: our own overhead only.
    tuning: { limits: { timeScale: 0.00001 }, concurrency: 16, idlePollMs: 10 },
  });
  const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });

  // 1. Webhook acknowledgement latency (each update persisted before the 200).
  const latencies = [];
  let next = 0;
  const post = async () => {
    while (next < UPDATES) {
      const i = next++;
      const fan = fans[i % FANS];
      const update = {
        update_id: 500_000_000 + i,
        message: {
          message_id: 1000 + i,
          date: Math.floor(Date.now() / 1000),
          chat: { id: fan.id, type: 'private', first_name: fan.first_name },
          from: { id: fan.id, is_bot: false, first_name: fan.first_name },
          text: `bench ${i}`,
        },
      };
      const started = performance.now();
      const res = await fetch(`${address}/telegram-webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: WEBHOOK_CONCURRENCY }, post));
  latencies.sort((a, b) => a - b);

  // 2. Outbox throughput: JOBS private sends, one instance.
  await database.db('outbox').delete();
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    kind: 'notice.fan',
    target: { type: 'chat', chatId: fans[i % FANS].id },
    method: 'sendMessage',
    params: { text: `job ${i}` },
  }));
  for (let i = 0; i < JOBS; i += 500) {
    await database.db.transaction((trx) => runtime.outbox.enqueueIn(trx, jobs.slice(i, i + 500)));
  }
  const started = performance.now();
  await runtime.start();
  for (;;) {
    const depth = await runtime.outbox.depth();
    if (depth.sent >= JOBS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  await sim.close();
  await database.destroy();
  return {
    dialect,
    webhook: {
      updates: UPDATES,
      concurrency: WEBHOOK_CONCURRENCY,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
    },
    outbox: { jobs: JOBS, seconds, perSecond: JOBS / seconds },
  };
}

const { serverUrl, dialects } = benchDialects();
console.log(`premiumbot relay benchmark (node ${process.version}, ${os.cpus().length} CPUs)`);
for (const dialect of dialects) {
  const r = await bench(dialect, serverUrl);
  console.log(
    `${r.dialect.padEnd(8)} webhook ack: p50 ${r.webhook.p50.toFixed(1)} ms, p99 ${r.webhook.p99.toFixed(1)} ms, ` +
      `max ${r.webhook.max.toFixed(1)} ms (${r.webhook.updates} updates, ${r.webhook.concurrency} concurrent)`,
  );
  console.log(
    `${r.dialect.padEnd(8)} outbox: ${r.outbox.jobs} jobs in ${r.outbox.seconds.toFixed(1)} s = ${r.outbox.perSecond.toFixed(0)} jobs/s (one instance, flood limits off)`,
  );
}
if (dialects.length === 1) console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
