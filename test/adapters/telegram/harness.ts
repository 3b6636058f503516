/**
 * A running backbone against the Telegram simulator over real HTTP, on a fresh migrated
 * database (SQLite, or Postgres with TEST_DATABASE_URL).
 */
import fs from 'node:fs';
import { createLogger } from '../../../src/cli/logger.js';
import { silentLogger } from '../../../src/core/logger.js';
import { buildBackbone, type Backbone } from '../../../src/cli/serve/backbone.js';
import type { FanExperienceOptions } from '../../../src/cli/serve/fan-experience.js';
import type { TrafficTuningInput } from '../../../src/cli/serve/traffic-config.js';
import {
  createTelegramSimulator,
  type TelegramSimulator,
} from '../../../src/sandbox/telegram/index.js';
import type { RateLimitOptions } from '../../../src/sandbox/telegram/rate-limit.js';
import { createMigratedTestDb, type TestDb } from '../../helpers/db.js';

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
  poolMax?: number;
  /** The fan experience (credits, cards…); off by default: backbone tests use the bare relay. */
  fanExperience?: FanExperienceOptions | false;
  /** Run the scheduled jobs (node-cron). */
  scheduleJobs?: boolean;
  workerId?: string;
}

export interface Harness {
  sim: TelegramSimulator;
  backbone: Backbone;
  testDb: TestDb;
  adminChatId: number;
  ownerId: number;
  webhookUrl?: string;
  /** Stops the backbone (graceful) without touching the simulator or database. */
  stopBackbone(): Promise<void>;
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
  const testDb = options.testDb ?? (await createMigratedTestDb({ poolMax: options.poolMax }));
  const mode = options.mode ?? 'webhook';
  const backbone = await buildBackbone({
    botToken: sim.token,
    apiRoot: sim.apiRoot,
    adminChatId: admin.chatId,
    ownerIds: [admin.ownerId],
    webhookSecret: WEBHOOK_SECRET,
    mode: mode === 'polling' ? 'polling' : 'webhook',
    db: testDb.db,
    // PB_TEST_LOG=debug shows the backbone's logs while debugging a test.
    logger: process.env.PB_TEST_LOG
      ? createLogger({
          level: process.env.PB_TEST_LOG,
          destination: fs.createWriteStream('/tmp/pb-test.log', { flags: 'a' }),
        })
      : silentLogger,
    fanExperience: options.fanExperience ?? false,
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
  if (mode !== 'none') await backbone.start();
  let webhookUrl: string | undefined;
  if (mode === 'webhook') {
    const address = await backbone.app.listen({ host: '127.0.0.1', port: 0 });
    webhookUrl = `${address}/telegram-webhook`;
    await sim.callApi('setWebhook', { url: webhookUrl, secret_token: WEBHOOK_SECRET });
  }
  let stopped = false;
  const stopBackbone = async () => {
    if (stopped) return;
    stopped = true;
    if (mode === 'webhook') await sim.callApi('deleteWebhook', {});
    await backbone.stop();
  };
  const ownSim = !options.sim;
  const ownDb = !options.testDb;
  return {
    sim,
    backbone,
    testDb,
    adminChatId: admin.chatId,
    ownerId: admin.ownerId,
    webhookUrl,
    stopBackbone,
    async close() {
      await stopBackbone();
      if (ownSim) await sim.close();
      if (ownDb) await testDb.destroy();
    },
  };
}

/** Text of every message in a topic, oldest first (service messages left out). */
export function topicTexts(sim: TelegramSimulator, chatId: number, threadId: number): string[] {
  return sim.control
    .messages(chatId, { threadId })
    .filter((m) => m.kind !== 'service')
    .map((m) => m.text ?? m.caption ?? `<${m.kind}>`);
}
