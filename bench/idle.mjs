// @ts-check
/**
 * Idle benchmark (not a test): CPU a serving runtime uses while nothing happens, and the
 * relay latency of a fan's text right after the quiet (webhook → message in the topic),
 * against the Telegram simulator with Telegram's real limits, on SQLite and — when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL points at Postgres — on Postgres too.
 *
 *   npm run bench:idle
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDb } from '../dist/adapters/db/knex.js';
import { buildRuntime } from '../dist/cli/runtime/index.js';
import { createSettingsStore } from '../dist/config/settings-store.js';
import { silentLogger } from '../dist/core/logger.js';
import { MESSAGE_TYPES } from '../dist/core/pricing.js';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const SECRET = 'bench-idle-secret';

async function freshDatabase(dialect, serverUrl) {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-idle-'));
    const db = createDb(`sqlite:${path.join(dir, 'idle.db')}`);
    return { db, destroy: async () => (await db.destroy(), fs.rmSync(dir, { recursive: true })) };
  }
  const name = `pb_idle_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  return {
    db,
    destroy: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function bench(dialect, serverUrl) {
  // The simulator runs in this process too; its share is measured separately and removed.
  const sim = createTelegramSimulator({ timeScale: 1 });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'Idle team', ownerId: owner.id });
  const database = await freshDatabase(dialect, serverUrl);
  await database.db.migrate.latest();
  const settings = createSettingsStore(database.db);
  for (const type of MESSAGE_TYPES) await settings.set(`cost.${type}`, 0);
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

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '';
const dialects = ['sqlite', ...(/^postgres/i.test(serverUrl) ? ['postgres'] : [])];
console.log(`premiumbot idle benchmark (node ${process.version}, ${os.cpus().length} CPUs)`);
for (const dialect of dialects) {
  const r = await bench(dialect, serverUrl);
  console.log(
    `${r.dialect.padEnd(8)} idle: ${r.idlePercent.toFixed(1)} % of a core over ${IDLE_SECONDS} s (runtime + simulator); ` +
      `relay latency after the quiet: p50 ${r.p50.toFixed(0)} ms, max ${r.max.toFixed(0)} ms (${MESSAGES} texts)`,
  );
}
if (dialects.length === 1) console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
