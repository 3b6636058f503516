// @ts-check
/**
 * Buttons benchmark (not a test): how fast the webhook answers the team's button presses
 * (🎁 Gift credits and ⬅️ Back on fan cards, as an admin would tap them) while the admin group's budget is exhausted —
 * BENCH_RELAYS paid-for relays (500) waiting for the group's 20/min window. Reports p50/p99/max
 * of the webhook's answer time over BENCH_PRESSES presses (200), the non-200 answers, and the
 * relays still waiting at the end (the backlog really was there the whole time).
 *
 * Every update is built by the Telegram simulator (fans write, the owner presses buttons on
 * the cards the bot pinned); the benchmark posts each to the webhook itself as soon as it is
 * made, one at a time, so each figure is one update's answer time. Rate limits are on, in simulated time
 * (BENCH_TIME_SCALE real seconds per Telegram second, default 0.1). Runs the built code in
 * dist/, on SQLite and — when BENCH_DATABASE_URL or TEST_DATABASE_URL points at Postgres —
 * on Postgres too.
 *
 *   npm run bench:buttons
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:buttons
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildRuntime } from '../dist/cli/runtime/index.js';
import { silentLogger } from '../dist/core/logger.js';
import { createTelegramSimulator } from '../dist/sandbox/telegram/index.js';
import { benchDialects, freeMessages, freshDatabase } from './lib.mjs';

const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.1);
const PRESSES = Number(process.env.BENCH_PRESSES ?? 200);
const RELAYS = Number(process.env.BENCH_RELAYS ?? 500);
const FANS = 10;
const SECRET = 'bench-secret';

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(check, what, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Posts every update the simulator queued since the last call; returns the answer times. */
function webhookPoster(sim, url) {
  let seen = 0;
  return async function postNew() {
    const entries = sim.control.updates().slice(seen);
    seen += entries.length;
    const answers = [];
    for (const { update } of entries) {
      const started = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      answers.push({ ms: performance.now() - started, status: res.status });
    }
    return answers;
  };
}

async function bench(dialect, serverUrl) {
  const sim = createTelegramSimulator({ timeScale: TIME_SCALE });
  await sim.listen(0);
  const owner = sim.control.createUser({ first_name: 'Owner' });
  const { chatId } = sim.control.createForumGroup({ title: 'Bench team', ownerId: owner.id });
  const fans = Array.from({ length: FANS }, (_, i) =>
    sim.control.createUser({ first_name: `Button${i}` }),
  );
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
    fan: { cardRefreshMs: 200, balanceBarDelayMs: 100 },
    // Every relayed message spends the budget, batched or not, as Telegram counts them.
    tuning: {
      limits: { timeScale: TIME_SCALE, batchCost: 'per_message' },
      idlePollMs: 20,
      pauseRefreshMs: 200,
    },
  });
  await runtime.start();
  const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
  const postNew = webhookPoster(sim, `${address}/telegram-webhook`);

  // 1. Every fan has a topic with its pinned card; half the cards show the gift menu (⬅️).
  for (const fan of fans) sim.control.fanSendsText(fan.id, 'hello');
  await postNew();
  const cards = await waitFor(() => {
    const pinned = sim.control.messages(chatId).filter((m) => m.pinned && m.fromBot);
    return pinned.length >= FANS ? pinned : undefined;
  }, 'every fan card');
  const fanOf = (card) =>
    Number(
      card.buttons
        .flat()
        .find((b) => b.callbackData?.startsWith('card:giftmenu:'))
        ?.callbackData?.split(':')[2],
    );
  const withMenu = cards.slice(0, FANS / 2);
  for (const card of withMenu) {
    sim.control.pressButton(owner.id, chatId, card.messageId, `card:giftmenu:${fanOf(card)}`);
  }
  await postNew();
  const backOf = (messageId) =>
    sim.control
      .message(chatId, messageId)
      ?.buttons.flat()
      .find((b) => b.callbackData?.startsWith('card:back:'))?.callbackData;
  await waitFor(() => withMenu.every((c) => backOf(c.messageId)), 'the gift menus');

  // 2. The backlog: RELAYS fan texts waiting for the admin group's budget.
  for (let i = 0; i < RELAYS; i++) sim.control.fanSendsText(fans[i % FANS].id, `backlog ${i}`);
  await postNew();
  const pending = async () => (await runtime.outbox.depth()).pending;
  const before = await pending();

  // 3. The presses, round-robin over the cards: ⬅️ where the card shows the gift menu, 🎁
  // where it does not, each posted as soon as it is made (a late answer is "too old").
  const answers = [];
  const started = performance.now();
  for (let i = 0; i < PRESSES; i++) {
    const card = cards[i % cards.length];
    const back = backOf(card.messageId);
    sim.control.pressButton(
      owner.id,
      chatId,
      card.messageId,
      back ?? `card:giftmenu:${fanOf(card)}`,
    );
    answers.push(...(await postNew()));
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await pending();
  const unanswered = sim.control
    .updates()
    .filter((e) => e.kind === 'callback_query')
    .filter((e) => !sim.control.callbackQuery(e.update.callback_query.id)?.answer).length;

  await runtime.stop();
  await sim.close();
  await database.destroy();
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    dialect,
    presses: answers.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    failed: answers.filter((a) => a.status !== 200).length,
    seconds,
    before,
    after,
    unanswered,
  };
}

const { serverUrl, dialects } = benchDialects();
console.log(
  `premiumbot buttons benchmark (node ${process.version}, ${os.cpus().length} CPUs, ` +
    `time scale ${TIME_SCALE}: a 60 s group window lasts ${(60 * TIME_SCALE).toFixed(1)} s)`,
);
for (const dialect of dialects) {
  const r = await bench(dialect, serverUrl);
  console.log(
    `${r.dialect.padEnd(8)} webhook answer to a button: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ` +
      `max ${r.max.toFixed(1)} ms (${r.presses} presses in ${r.seconds.toFixed(1)} s, ${r.failed} non-200)`,
  );
  // A wait for the group's budget lasts 1 / TIME_SCALE times longer at Telegram's pace.
  console.log(
    `${r.dialect.padEnd(8)} the same waits at Telegram's pace: p99 ${(r.p99 / TIME_SCALE / 1000).toFixed(1)} s, ` +
      `max ${(r.max / TIME_SCALE / 1000).toFixed(1)} s (only the time spent waiting for budget scales)`,
  );
  console.log(
    `${r.dialect.padEnd(8)} group backlog: ${r.before} jobs waiting before the presses, ${r.after} after; ` +
      `${r.unanswered} callback queries left unanswered`,
  );
}
if (dialects.length === 1) console.log('(set TEST_DATABASE_URL=postgres://… to include Postgres)');
