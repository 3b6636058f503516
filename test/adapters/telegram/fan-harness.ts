/**
 * The runtime harness with message costs as shipped and short coalescing windows, plus helpers for fan journeys: products,
 * credits, and reading what a fan and a topic show.
 */
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

/**
 * Short coalescing windows so tests stay fast; time runs 100× faster than real time. The
 * simulator's webhook timeout stays 60 real seconds, so a slow machine never sees Telegram
 * redeliveries the test did not ask for.
 */
export async function startFanHarness(options: HarnessOptions = {}): Promise<Harness> {
  const timeScale = options.timeScale ?? 0.01;
  const sim = createTelegramSimulator({
    timeScale,
    rateLimits: options.rateLimits,
    webhook: { timeoutSeconds: 60 / timeScale },
  });
  await sim.listen(0);
  const h = await startHarness({
    timeScale,
    ...options,
    sim,
    freeMessages: options.freeMessages ?? false,
    fan: {
      albumHoldMs: 300,
      balanceBarDelayMs: 150,
      cardRefreshMs: 200,
      settingsTtlMs: 0,
      ...options.fan,
    },
  });
  return {
    ...h,
    async close() {
      await h.close();
      await sim.close();
    },
  };
}

/** Two products, as `products sync` would leave them. */
export async function seedProducts(h: Harness): Promise<{ creditsId: number; passId: number }> {
  const now = new Date();
  const row = (label: string, type: string, amount: number, price: number, sort: number) => ({
    label,
    type,
    amount,
    price_cents: price,
    currency: 'usd',
    active: true,
    sort,
    created_at: now,
    updated_at: now,
  });
  await h.testDb
    .db('products')
    .insert([row('10 credits', 'credits', 10, 500, 1), row('1 hour chat', 'time', 3600, 1500, 2)]);
  const rows = (await h.testDb.db('products').orderBy('sort').select('id')) as Array<{
    id: number;
  }>;
  return { creditsId: Number(rows[0]!.id), passId: Number(rows[1]!.id) };
}

/** Gives a fan credits as a purchase would (the fan row is created first). */
export async function grantCredits(
  h: Harness,
  fan: { id: number; first_name: string },
  amount: number,
  key: string,
) {
  const ledger = h.runtime.ledger;
  await ledger.ensureUser({ id: fan.id, firstName: fan.first_name });
  return ledger.grantCredits(fan.id, amount, key);
}

/** What the bot sent the fan, oldest first. */
export function botMessages(sim: TelegramSimulator, fanId: number): MessageView[] {
  return sim.control.messages(fanId).filter((m) => m.fromBot);
}

/** The fan's topic (found by title prefix). */
export async function topicOf(sim: TelegramSimulator, chatId: number, titlePrefix: string) {
  return sim.control.waitFor(
    () => sim.control.topics(chatId).find((t) => t.name.startsWith(titlePrefix)),
    15_000,
    `topic ${titlePrefix}`,
  );
}

/** Non-service messages of a topic that are not the fan card. */
export function relayed(sim: TelegramSimulator, chatId: number, threadId: number): MessageView[] {
  return sim.control
    .messages(chatId, { threadId })
    .filter((m) => m.kind !== 'service' && !m.pinned && !m.text?.startsWith('👤 '));
}

/** A fan with credits whose topic exists (their first text relayed). */
export async function fanWithTopic(h: Harness, name: string, credits: number, firstText = 'hello') {
  const { sim, adminChatId } = h;
  const fan = sim.control.createUser({ first_name: name });
  await grantCredits(h, fan, credits, `grant:cs_${name}`);
  sim.control.fanSendsText(fan.id, firstText);
  const topic = await topicOf(sim, adminChatId, name);
  await sim.control.waitFor(
    () => relayed(sim, adminChatId, topic.threadId).length === 1,
    15_000,
    `${name}'s first relay`,
  );
  return { fan, topic };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
