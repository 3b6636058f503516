// @ts-check
/**
 * Memory benchmark (issue 20; not a test): does `serve`'s memory grow with the number of
 * fans? For each size (BENCH_RSS_FANS, default 1000,10000,100000) a fresh database gets that
 * many fans with a topic (`users` + `conversations` rows, inserted directly in batches), then
 * the built CLI's `premiumbot serve --polling` runs in a child process against the Telegram
 * simulator (hosted here) for BENCH_RSS_SECONDS (20) with some traffic: BENCH_RSS_NEW_FANS (30)
 * new fans writing BENCH_RSS_TEXTS (4) texts each, spread over the run, and the owner asking
 * `/conversations` in the admin group now and then. Telegram's limits are lifted (time scale
 * 0.001) so the traffic is served rather than queued. Printed per size: the child's RSS once it
 * serves (before traffic), its peak over the run (VmHWM, start-up included) and at the end.
 * SQLite always; Postgres too when BENCH_DATABASE_URL or TEST_DATABASE_URL says so. Linux only
 * (reads /proc). Runs the built code in dist/.
 *
 *   npm run bench:rss
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:rss
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';
import { benchDialects, freeMessages, freshDatabase } from './lib.mjs';

const SIZES = (process.env.BENCH_RSS_FANS ?? '1000,10000,100000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_RSS_SECONDS ?? 20);
const NEW_FANS = Number(process.env.BENCH_RSS_NEW_FANS ?? 30);
const TEXTS = Number(process.env.BENCH_RSS_TEXTS ?? 4);
const CLI = new URL('../bin/premiumbot', import.meta.url).pathname;
/** Node flags of serve, as the Dockerfile and the systemd unit start it (BENCH_RSS_NODE_FLAGS). */
const NODE_FLAGS = (process.env.BENCH_RSS_NODE_FLAGS ?? '--max-old-space-size=256')
  .split(' ')
  .filter(Boolean);
/** Seeded fans' ids and topic ids: far from the simulator's own. */
const SEED_ID = 7_000_000_000;
const SEED_TOPIC = 1_000_000;
/** Rows per insert: SQLite allows at most 500 terms in a compound SELECT (knex's multi-row insert). */
const BATCH = 400;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb) => `${(kb / 1024).toFixed(0).padStart(4)} MB`;

/** `VmRSS` and `VmHWM` (peak) of a process, in kB. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** `fans` fans, each with a conversation (topic) in `chatId`, in batched inserts. */
async function seed(db, fans, chatId) {
  const at = new Date();
  for (let from = 0; from < fans; from += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, fans - from) }, (_, i) => from + i);
    await db.transaction(async (trx) => {
      await trx('users').insert(
        ids.map((i) => ({
          id: SEED_ID + i,
          first_name: `Seed${i}`,
          tier: 'regular',
          message_count: 3,
          last_activity_at: at,
        })),
      );
      await trx('conversations').insert(
        ids.map((i) => ({
          user_id: SEED_ID + i,
          chat_id: chatId,
          topic_id: SEED_TOPIC + i,
          title: `Seed${i}`,
          card_message_id: SEED_TOPIC + i,
        })),
      );
    });
  }
}

async function bench(dialect, serverUrl, fans) {
  const sim = createTelegramSimulator({ timeScale: 0.001 });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'RSS team', ownerId: owner.id });
  const database = await freshDatabase(dialect, serverUrl);
  await database.db.migrate.latest();
  await freeMessages(database.db);
  const seedStart = Date.now();
  await seed(database.db, fans, chatId);
  const seedMs = Date.now() - seedStart;
  const databaseUrl =
    dialect === 'sqlite'
      ? `sqlite:${database.db.client.config.connection.filename}`
      : database.db.client.config.connection.connectionString;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-rss-'));
  const trafficConfig = path.join(dir, 'traffic.json');
  fs.writeFileSync(
    trafficConfig,
    JSON.stringify({ limits: { timeScale: 0.001 }, idlePollMs: 20, pollTimeoutSeconds: 1 }),
  );
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, CLI, 'serve', '--polling', '--traffic-config', trafficConfig],
    {
      // Its own directory: no .env of the repository is read.
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        BOT_TOKEN: sim.token,
        TELEGRAM_API_ROOT: sim.apiRoot,
        ADMIN_CHAT_ID: String(chatId),
        ADMIN_USER_IDS: String(owner.id),
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (/Polling Telegram for updates/.test(output)) resolve(undefined);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await ready;
  await sleep(2_000);
  const atStart = memoryOf(child.pid);

  // Traffic: new fans' texts and the owner's /conversations, spread over the run.
  const newFans = Array.from({ length: NEW_FANS }, (_, i) =>
    sim.control.createUser({ first_name: `New${i}` }),
  );
  const steps = NEW_FANS * TEXTS;
  const started = Date.now();
  let sampledPeak = atStart.rss;
  let asked = 0;
  for (let step = 0; step < steps; step++) {
    const fan = newFans[step % NEW_FANS];
    sim.control.fanSendsText(fan.id, `rss ${fan.id} ${Math.floor(step / NEW_FANS)}`);
    if (step % Math.max(1, Math.floor(steps / 5)) === 0) {
      sim.control.adminSends(owner.id, chatId, '/conversations');
      asked++;
    }
    await sleep(Math.max(0, started + ((step + 1) / steps) * SECONDS * 1000 - Date.now()));
    sampledPeak = Math.max(sampledPeak, memoryOf(child.pid).rss);
  }
  await sleep(2_000);
  const atEnd = memoryOf(child.pid);
  const relayed = sim.control.messages(chatId).filter((m) => m.text?.startsWith('rss ')).length;
  // The bot's messages outside topics: the answers to /conversations.
  const answered = sim.control
    .messages(chatId)
    .filter((m) => m.fromBot && m.threadId === undefined).length;
  child.kill('SIGTERM');
  await exited;
  await sim.close();
  await database.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  return { seedMs, atStart, atEnd, sampledPeak, relayed, steps, asked, answered };
}

const { serverUrl, dialects } = benchDialects();
console.log(
  `premiumbot serve RSS benchmark (node ${process.version}, ${os.cpus().length} CPUs; ` +
    `${SECONDS} s of traffic: ${NEW_FANS} new fans × ${TEXTS} texts, /conversations about every ${SECONDS / 5} s; ` +
    `node ${NODE_FLAGS.join(' ') || '(no flags)'})`,
);
for (const dialect of dialects) {
  for (const fans of SIZES) {
    const r = await bench(dialect, serverUrl, fans);
    console.log(
      `${dialect.padEnd(8)} ${String(fans).padStart(7)} fans (seeded in ${(r.seedMs / 1000).toFixed(1)} s): ` +
        `RSS serving ${mb(r.atStart.rss)}, during traffic max ${mb(r.sampledPeak)}, ` +
        `peak ${mb(r.atEnd.peak)} (VmHWM), at the end ${mb(r.atEnd.rss)}; ` +
        `${r.relayed}/${r.steps} texts relayed, ${r.answered} bot messages outside topics for ${r.asked} /conversations`,
    );
  }
}
if (dialects.length === 1) console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
