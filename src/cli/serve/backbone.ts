/**
 * Composition of the Telegram traffic backbone: stores (db adapter) → sender, outbox
 * worker, topics, alerts, bot and intake (telegram adapter) → HTTP app (http adapter).
 * Adapters never import each other; they meet here. Nothing listens: `serve` does.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Telegraf, Context } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import { createAdminStore } from '../../adapters/db/admin-store.js';
import { createJobLock, createStateStore } from '../../adapters/db/bot-state-store.js';
import { createFanStore } from '../../adapters/db/fan-store.js';
import { dialectOf, type Db } from '../../adapters/db/knex.js';
import { createOutboxStore, type DbOutboxStore } from '../../adapters/db/outbox-store.js';
import { createPauseStore } from '../../adapters/db/pause-store.js';
import { createUpdateStore } from '../../adapters/db/update-store.js';
import { buildApp } from '../../adapters/http/app.js';
import { createAdminAuthorizer, type AdminAuthorizer } from '../../adapters/telegram/admin-auth.js';
import { AlertReporter } from '../../adapters/telegram/alerts.js';
import { botIdOf, createBotApi, type BotApi } from '../../adapters/telegram/bot-api.js';
import { createBot } from '../../adapters/telegram/bot.js';
import {
  BACKBONE_FEATURES,
  FEATURES,
  type Feature,
} from '../../adapters/telegram/features/index.js';
import { publishFanCommands } from '../../adapters/telegram/fan-commands.js';
import { UpdateIntake } from '../../adapters/telegram/intake.js';
import { OutboxWorker, newWorkerId } from '../../adapters/telegram/outbox-worker.js';
import { Poller } from '../../adapters/telegram/polling.js';
import { TelegramSender } from '../../adapters/telegram/sender.js';
import { TopicManager } from '../../adapters/telegram/topics.js';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { MetricsRegistry, backboneMetrics, type BackboneMetrics } from '../../core/metrics.js';
import type { FanDirectory, PauseStore, UpdateStore } from '../../core/traffic/ports.js';
import { JOBS } from '../../jobs/index.js';
import { startJobScheduler, type JobScheduler } from '../../jobs/scheduler.js';
import {
  buildFanExperience,
  type FanExperience,
  type FanExperienceOptions,
} from './fan-experience.js';
import { buildPayments, type Payments, type PaymentsOptions } from './payments.js';
import { resolveTuning, type TrafficTuning, type TrafficTuningInput } from './traffic-config.js';

export interface BackboneOptions {
  botToken: string;
  apiRoot: string;
  adminChatId: number;
  ownerIds: readonly number[];
  /** Required in webhook mode. */
  webhookSecret?: string;
  mode: 'webhook' | 'polling';
  db: Db;
  logger: Logger;
  tuning?: TrafficTuningInput;
  /** getMe's answer; fetched when absent. */
  botInfo?: UserFromGetMe;
  /** Run node-cron jobs (off in most tests). */
  scheduleJobs?: boolean;
  features?: readonly Feature[];
  /**
   * The fan experience (credits, onboarding, fan cards, receipts) — on unless `false`, which
   * leaves the bare traffic backbone (a free relay; the backbone's own tests use it).
   */
  fanExperience?: FanExperienceOptions | false;
  /** Stripe payments (checkout, quick-buy, auto-recharge, POST /stripe-webhook); off when absent. */
  payments?: PaymentsOptions;
  routes?: readonly FastifyPluginAsync[];
  workerId?: string;
}

export interface Backbone {
  app: FastifyInstance;
  bot: Telegraf<Context>;
  api: BotApi;
  sender: TelegramSender;
  worker: OutboxWorker;
  intake: UpdateIntake;
  poller: Poller | undefined;
  outbox: DbOutboxStore;
  fans: FanDirectory;
  pauses: PauseStore;
  updates: UpdateStore;
  admins: AdminAuthorizer;
  alerts: AlertReporter;
  registry: MetricsRegistry;
  metrics: BackboneMetrics;
  tuning: TrafficTuning;
  jobs: JobScheduler | undefined;
  /** The fan experience's stores and services (undefined when turned off). */
  fan: FanExperience | undefined;
  /** Payments (undefined when not configured). */
  payments: Payments | undefined;
  /** Starts the outbox worker, polling (if chosen) and the scheduled jobs. */
  start(): Promise<void>;
  /** Graceful: stop intake, let queued updates and calls in flight finish, put back the rest. */
  stop(): Promise<void>;
}

/** Builds everything; calls getMe when `botInfo` is not given (that also checks the token). */
export async function buildBackbone(options: BackboneOptions): Promise<Backbone> {
  const tuning = resolveTuning(options.tuning ?? {});
  const { db, logger } = options;
  const registry = new MetricsRegistry();
  const metrics = backboneMetrics(registry);
  const api = createBotApi({ token: options.botToken, apiRoot: options.apiRoot });
  const botInfo = options.botInfo ?? (await getMe(api, options.apiRoot));

  const outbox = createOutboxStore(db);
  const fans = createFanStore(db);
  const pauses = createPauseStore(db);
  const updates = createUpdateStore(db, botIdOf(options.botToken));
  const state = createStateStore(db);
  const admins = createAdminAuthorizer({
    adminChatId: options.adminChatId,
    ownerIds: options.ownerIds,
    admins: createAdminStore(db),
  });

  // The worker is built after the alerts and sender it needs; until then there is nothing to wake.
  const workerRef: { current?: OutboxWorker } = {};
  const wake = () => workerRef.current?.wake();
  const alerts = new AlertReporter({
    outbox,
    adminChatId: options.adminChatId,
    ownerIds: options.ownerIds,
    logger: logger.child({ component: 'alerts' }),
    metrics,
    onEnqueued: wake,
  });
  const sender = new TelegramSender({
    api,
    limits: tuning.limits,
    logger: logger.child({ component: 'sender' }),
    metrics,
    async onLongPause(pause, retryAfterSeconds) {
      await pauses.save(pause);
      const where =
        pause.chatId === options.adminChatId ? 'the admin group' : `chat ${pause.chatId}`;
      await alerts.raise({
        key: `long_pause:${pause.chatId}`,
        severity: 'critical',
        text:
          `Telegram paused sends to ${where} for ${retryAfterSeconds} s (until ${new Date(pause.until).toISOString()}). ` +
          'Messages for it are kept in the outbox and go out after the pause; other chats are not affected.',
      });
    },
  });
  const payments = options.payments
    ? buildPayments(
        {
          db,
          botUsername: botInfo.username,
          adminChatId: options.adminChatId,
          ownerIds: options.ownerIds,
          logger,
          wake,
        },
        options.payments,
      )
    : undefined;
  const fanExperience =
    options.fanExperience === false
      ? undefined
      : buildFanExperience(
          {
            db,
            sender,
            outbox,
            adminChatId: options.adminChatId,
            logger: logger.child({ component: 'fan' }),
            wake,
            timeScale: tuning.limits.timeScale,
          },
          payments
            ? { ...options.fanExperience, spendObserver: payments.spendObserver }
            : options.fanExperience,
        );
  const topics = new TopicManager({
    sender,
    fans,
    state,
    adminChatId: options.adminChatId,
    logger: logger.child({ component: 'topics' }),
    onFanTopicCreated: fanExperience
      ? (fanId, topicId) => fanExperience.deps.cards.post(fanId, topicId)
      : undefined,
  });
  const worker = new OutboxWorker({
    store: outbox,
    sender,
    topics,
    fans,
    pauses,
    alerts,
    logger: logger.child({ component: 'outbox' }),
    metrics,
    adminChatId: options.adminChatId,
    singleInstance: dialectOf(db) === 'sqlite',
    workerId: options.workerId,
    concurrency: tuning.concurrency,
    leaseMs: tuning.leaseMs,
    idlePollMs: tuning.idlePollMs,
    pauseRefreshMs: tuning.pauseRefreshMs,
    onDelivered: fanExperience?.onDelivered,
  });

  const bot = createBot({
    token: options.botToken,
    apiRoot: options.apiRoot,
    botInfo,
    adminChatId: options.adminChatId,
    ownerIds: options.ownerIds,
    outbox,
    sender,
    fans,
    admins,
    alerts,
    logger: logger.child({ component: 'bot' }),
    metrics,
    wakeOutbox: wake,
    fan: (
      fanExperience ??
      buildFanExperience(
        {
          db,
          sender,
          outbox,
          adminChatId: options.adminChatId,
          logger,
          wake,
          timeScale: tuning.limits.timeScale,
        },
        {},
      )
    ).deps,
    payments: payments?.service,
    features: options.features ?? (fanExperience ? FEATURES : BACKBONE_FEATURES),
  });
  const intake = new UpdateIntake({
    updates,
    handle: (update) => bot.handleUpdate(update as never),
    logger: logger.child({ component: 'intake' }),
    metrics,
    onGiveUp: (update) =>
      alerts.raise({
        key: 'update_gave_up',
        severity: 'warning',
        text: `Update ${update.update_id} failed repeatedly and was skipped. See the logs.`,
      }),
  });

  metrics.outboxDepth.collect(async () => {
    const depth = await outbox.depth();
    return Object.entries(depth).map(([status, value]) => ({ labels: { status }, value }));
  });
  metrics.pausedChats.collect(async () => {
    const now = sender.clock();
    return sender.scheduler
      .activePauses(now)
      .map((p) => ({ labels: { chat_id: p.chatId }, value: Math.ceil((p.until - now) / 1000) }));
  });

  if (options.mode === 'webhook' && !options.webhookSecret) {
    throw new PremiumbotError(ErrorCodes.config, 'Webhook mode needs TELEGRAM_WEBHOOK_SECRET', {
      kind: 'usage',
    });
  }
  const app = await buildApp({
    logger: logger.child({ component: 'http' }),
    registry,
    metrics,
    health: async () => {
      await db.raw('select 1');
      return true;
    },
    telegram:
      options.mode === 'webhook'
        ? { secret: options.webhookSecret!, accept: (update) => intake.accept(update) }
        : undefined,
    onError: (err) =>
      alerts.raise({
        key: `http_error:${err.name}`,
        severity: 'warning',
        text: `An HTTP request failed (${err.name}). See the logs.`,
      }),
    routes: [...(options.routes ?? []), ...(payments ? [payments.route] : [])],
  });
  const poller =
    options.mode === 'polling'
      ? new Poller({
          api,
          intake,
          logger: logger.child({ component: 'polling' }),
          timeoutSeconds: tuning.pollTimeoutSeconds,
        })
      : undefined;

  let jobs: JobScheduler | undefined;
  const theWorker = worker;
  return {
    app,
    bot,
    api,
    sender,
    worker: theWorker,
    intake,
    poller,
    outbox,
    fans,
    pauses,
    updates,
    admins,
    alerts,
    registry,
    metrics,
    tuning,
    get jobs() {
      return jobs;
    },
    fan: fanExperience,
    payments,
    async start() {
      await theWorker.start();
      await poller?.start();
      if (fanExperience)
        await publishFanCommands(
          sender,
          fanExperience.deps.templates,
          logger.child({ component: 'bot' }),
        );
      if (options.scheduleJobs) {
        jobs = startJobScheduler(
          JOBS,
          {
            updates,
            outbox,
            jobLock: createJobLock(db),
            logger: logger.child({ component: 'jobs' }),
            now: () => new Date(),
            passNotices: fanExperience?.passNotices,
          },
          options.workerId ?? newWorkerId(),
        );
      }
    },
    async stop() {
      await poller?.stop();
      // close() ends idle keep-alive connections only once; one that finishes a request
      // afterwards would hold the server open until keepAliveTimeout (72 s), so after a
      // short grace every remaining connection is closed (their updates are idempotent).
      const closing = app.close();
      const grace = new Promise((resolve) => setTimeout(resolve, 2_000).unref());
      await Promise.race([closing, grace]);
      app.server.closeAllConnections();
      await closing;
      await intake.close();
      await jobs?.stop();
      await fanExperience?.flush();
      await theWorker.stop(tuning.shutdownGraceMs);
    },
  };
}

async function getMe(api: BotApi, apiRoot: string): Promise<UserFromGetMe> {
  try {
    return await api.call<UserFromGetMe>('getMe', {});
  } catch (cause) {
    throw new PremiumbotError(
      ErrorCodes.telegram,
      `Telegram did not accept the bot token (getMe failed: ${(cause as Error).message})`,
      {
        hint: `Check BOT_TOKEN and that ${apiRoot} is reachable (run \`premiumbot doctor\`).`,
        cause,
      },
    );
  }
}
