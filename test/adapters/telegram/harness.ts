/**
 * A running runtime (the shipped product) against the Telegram simulator over real HTTP,
 * on a fresh migrated database (SQLite, or Postgres with TEST_DATABASE_URL). Traffic tests
 * set every message cost to 0 (settings), so fans need no credits.
 */
import fs from 'node:fs';
import { createLogger } from '../../../src/cli/logger.js';
import { silentLogger } from '../../../src/core/logger.js';
import { createSettingsStore } from '../../../src/config/settings-store.js';
import { MESSAGE_TYPES } from '../../../src/core/pricing.js';
import { buildRuntime, type FanOptions, type Runtime } from '../../../src/cli/runtime/index.js';
import type { TrafficTuningInput } from '../../../src/cli/runtime/traffic-config.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import type { MessageView } from '../../../src/sandbox/telegram/control.js';
import type { RateLimitOptions } from '../../../src/sandbox/telegram/rate-limit.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';
import { ALLOWED_UPDATES } from '../../../src/adapters/telegram/operator-api.js';

export const WEBHOOK_SECRET = 'test-webhook-secret_123';

export interface HarnessOptions {
  /** Real seconds per simulated second, shared by the simulator and the bot. */
  timeScale?: number;
  rateLimits?: RateLimitOptions | false;
  mode?: 'webhook' | 'polling' | 'none';
  tuning?: TrafficTuningInput;
  /** Reuse a database (restart scenarios). */
  testDb?: TestDb;
  /** Reuse a simulator (restart scenarios). */
  sim?: TelegramSimulator;
  admin?: { chatId: number; ownerId: number };
  /**
   * Overflow admin groups (ADMIN_CHAT_IDS) besides the primary: a number creates that many
   * forum groups with the same owner; ids reuse existing ones (restart scenarios).
   */
  overflowGroups?: number | readonly number[];
  poolMax?: number;
  /** The fan side's options (coalescing windows, currency…). */
  fan?: FanOptions;
  /** Set every `cost.<type>` to 0 before starting (traffic tests: relays need no credits). */
  freeMessages?: boolean;
  /** Run the scheduled jobs (node-cron). */
  scheduleJobs?: boolean;
  workerId?: string;
}

export interface Harness {
  sim: TelegramSimulator;
  runtime: Runtime;
  testDb: TestDb;
  adminChatId: number;
  /** Every admin group, the primary first (one entry without `overflowGroups`). */
  adminChatIds?: number[];
  ownerId: number;
  webhookUrl?: string;
  /** Stops the runtime (graceful) without touching the simulator or database. */
  stopRuntime(): Promise<void>;
  /** Stops everything and removes the database. */
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const timeScale = options.timeScale ?? 0.01;
  let sim = options.sim;
  if (!sim) {
    sim = createTelegramSimulator({ timeScale, rateLimits: options.rateLimits });
    await sim.listen(0);
  }
  let admin = options.admin;
  if (!admin) {
    const owner = sim.control.createUser({ first_name: 'Olivia', username: 'olivia_owner' });
    const group = sim.control.createForumGroup({ title: 'Premium team', ownerId: owner.id });
    admin = { chatId: group.chatId, ownerId: owner.id };
  }
  const overflow =
    typeof options.overflowGroups === 'number'
      ? Array.from(
          { length: options.overflowGroups },
          (_, i) =>
            sim.control.createForumGroup({
              title: `Premium team ${i + 2}`,
              ownerId: admin.ownerId,
            }).chatId,
        )
      : [...(options.overflowGroups ?? [])];
  const adminChatIds = [admin.chatId, ...overflow];
  const testDb = options.testDb ?? (await createMigratedTestDb({ poolMax: options.poolMax }));
  const mode = options.mode ?? 'webhook';
  if (options.freeMessages ?? true) await setFreeMessages(testDb);
  const runtime = await buildRuntime({
    botToken: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: admin.chatId,
    ...(overflow.length > 0 ? { adminChatIds } : {}),
    ownerIds: [admin.ownerId],
    webhookSecret: WEBHOOK_SECRET,
    mode: mode === 'polling' ? 'polling' : 'webhook',
    db: testDb.db,
    // PB_TEST_LOG=debug shows the runtime's logs while debugging a test.
    logger: process.env.PB_TEST_LOG
      ? createLogger({
          level: process.env.PB_TEST_LOG,
          destination: fs.createWriteStream('/tmp/pb-test.log', { flags: 'a' }),
        })
      : silentLogger,
    fan: options.fan,
    scheduleJobs: options.scheduleJobs,
    workerId: options.workerId,
    tuning: {
      idlePollMs: 20,
      pauseRefreshMs: 200,
      pollTimeoutSeconds: 5,
      shutdownGraceMs: 5_000,
      ...options.tuning,
      limits: { timeScale, ...options.tuning?.limits },
    },
  });
  if (mode !== 'none') await runtime.start();
  let webhookUrl: string | undefined;
  if (mode === 'webhook') {
    const address = await runtime.app.listen({ host: '127.0.0.1', port: 0 });
    webhookUrl = `${address}/telegram-webhook`;
    // As `set-webhooks` subscribes.
    await sim.callApi('setWebhook', {
      url: webhookUrl,
      secret_token: WEBHOOK_SECRET,
      allowed_updates: [...ALLOWED_UPDATES],
    });
  }
  let stopped = false;
  const stopRuntime = async () => {
    if (stopped) return;
    stopped = true;
    if (mode === 'webhook') await sim.callApi('deleteWebhook', {});
    await runtime.stop();
  };
  const ownSim = !options.sim;
  const ownDb = !options.testDb;
  return {
    sim,
    runtime,
    testDb,
    adminChatId: admin.chatId,
    adminChatIds,
    ownerId: admin.ownerId,
    webhookUrl,
    stopRuntime,
    async close() {
      await stopRuntime();
      if (ownSim) await sim.close();
      if (ownDb) await testDb.destroy();
    },
  };
}

/** Every message type free (the `cost.<type>` settings at 0). */
async function setFreeMessages(testDb: TestDb): Promise<void> {
  const settings = createSettingsStore(testDb.db);
  for (const type of MESSAGE_TYPES) await settings.set(`cost.${type}`, 0);
}

/** True for the fan card the bot pins in each topic (its buttons carry `card:` callbacks). */
export function isFanCard(message: MessageView): boolean {
  return message.buttons.flat().some((b) => b.callbackData?.startsWith('card:'));
}

/** Text of every message in a topic, oldest first (service messages and the fan card left out). */
export function topicTexts(sim: TelegramSimulator, chatId: number, threadId: number): string[] {
  return sim.control
    .messages(chatId, { threadId })
    .filter((m) => m.kind !== 'service' && !isFanCard(m))
    .map((m) => m.text ?? m.caption ?? `<${m.kind}>`);
}
