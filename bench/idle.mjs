// @ts-check
/**
 * Idle benchmark (not a test): CPU a serving runtime uses while nothing happens, and the
 * relay latency of a fan's text right after the quiet (webhook → message in the topic),
 * against the Telegram simulator with Telegram's real limits, on SQLite and — when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL points at Postgres — on Postgres too.
 *
 *   npm run bench:idle
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildRuntime } from '../dist/cli/runtime/index.js';
import { silentLogger } from '../dist/core/logger.js';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';
import { benchDialects, freeMessages, freshDatabase } from './lib.mjs';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const SECRET = 'bench-idle-secret';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function bench(dialect, serverUrl) {
  // The simulator runs in this process too; its share is measured separately and removed.
  const sim = createTelegramSimulator({ timeScale: 1 });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'Idle team', ownerId: owner.id });
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
    scheduleJobs: true,
  });
  await runtime.start();
  const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  await sim.callApi('setWebhook', { url: `${address}/telegram-webhook`, secret_token: SECRET });
  const fan = sim.control.createUser({ first_name: 'Ida' });
  // Warm up: the fan's topic and card exist before the quiet starts.
  sim.control.fanSendsText(fan.id, 'warm up');
  await sim.control.waitFor(
    () => sim.control.topics(chatId).find((t) => t.name.startsWith('Ida')),
    30_000,
    'topic',
  );
  await sleep(3_000);

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const idleShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);

  const latencies = [];
  const topic = sim.control.topics(chatId).find((t) => t.name.startsWith('Ida'));
  for (let i = 0; i < MESSAGES; i++) {
    const text = `after the quiet ${i}`;
    const started = performance.now();
    sim.control.fanSendsText(fan.id, text);
    await sim.control.waitFor(
      () => sim.control.messages(chatId, { threadId: topic.threadId }).some((m) => m.text === text),
      30_000,
      'relay',
    );
    latencies.push(performance.now() - started);
    await sleep(1_100); // one private message a second: Telegram's per-chat pace, never the bottleneck
  }
  latencies.sort((a, b) => a - b);
  await sim.callApi('deleteWebhook', {});
  await runtime.stop();
  await sim.close();
  await database.destroy();
  return {
    dialect,
    idlePercent: idleShare * 100,
    p50: latencies[Math.floor(latencies.length / 2)],
    max: latencies[latencies.length - 1],
  };
}

const { serverUrl, dialects } = benchDialects();
console.log(`premiumbot idle benchmark (node ${process.version}, ${os.cpus().length} CPUs)`);
for (const dialect of dialects) {
  const r = await bench(dialect, serverUrl);
  console.log(
    `${r.dialect.padEnd(8)} idle: ${r.idlePercent.toFixed(1)} % of a core over ${IDLE_SECONDS} s (runtime + simulator); ` +
      `relay latency after the quiet: p50 ${r.p50.toFixed(0)} ms, max ${r.max.toFixed(0)} ms (${MESSAGES} texts)`,
  );
}
if (dialects.length === 1) console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
