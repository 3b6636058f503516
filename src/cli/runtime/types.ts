/** What `buildRuntime` takes and returns. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Context, Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { DbLedgerStore } from '../../adapters/db/ledger-store.js';
import type { Db } from '../../adapters/db/knex.js';
import type { DbOutboxStore } from '../../adapters/db/outbox-store.js';
import type { AdminAuthorizer } from '../../adapters/telegram/admin-auth.js';
import type { AlertReporter } from '../../adapters/telegram/alerts.js';
import type { BotApi } from '../../adapters/telegram/bot-api.js';
import type { FanServices } from '../../adapters/telegram/bot-deps.js';
import type { UpdateIntake } from '../../adapters/telegram/intake.js';
import type { OutboxWorker } from '../../adapters/telegram/outbox-worker.js';
import type { PassNotices } from '../../adapters/telegram/pass-notices.js';
import type { ResponseAlerts } from '../../adapters/telegram/features/response-alerts/runner.js';
import type { Poller } from '../../adapters/telegram/polling.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import type { SettingsStore } from '../../config/settings-store.js';
import type { AuditLog } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { MetricsRegistry } from '../../adapters/http/prometheus.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import type { FanDirectory, PauseStore, UpdateStore } from '../../core/traffic/ports.js';
import type { JobScheduler } from '../../jobs/scheduler.js';
import type { Payments, PaymentsOptions } from './payments.js';
import type { TrafficTuning, TrafficTuningInput } from './traffic-config.js';

/** The fan side's options (serve passes the environment's; tests shorten the windows). */
export interface FanOptions {
  /** CURRENCY: prices and total spend. */
  currency?: string;
  /** LOW_CREDIT_ALERT_THRESHOLD: the default of the `low_balance.threshold` setting. */
  lowBalanceThreshold?: number;
  /** Folder of the `<locale>.yaml` message templates. */
  templatesDir?: string;
  /** Language of the team's texts (default en). */
  adminLanguage?: string;
  /** Real milliseconds; defaults scale with the traffic time scale (sandbox, tests). */
  albumHoldMs?: number;
  balanceBarDelayMs?: number;
  cardRefreshMs?: number;
  /** How long a fan's refused messages are gathered into one lost-sales line (default 30 s). */
  lostSaleDelayMs?: number;
  settingsTtlMs?: number;
}

export interface RuntimeOptions {
  botToken: string;
  apiRoot: string;
  /** The primary admin group: alerts, the panel, owner commands. */
  adminChatId: number;
  /**
   * Every admin group (ADMIN_CHAT_IDS), the primary first; new fans are spread over them.
   * Absent or one entry: the primary only.
   */
  adminChatIds?: readonly number[];
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
  fan?: FanOptions;
  /** Stripe payments (checkout, quick-buy, auto-recharge, POST /stripe-webhook); off when absent. */
  payments?: PaymentsOptions;
  routes?: readonly FastifyPluginAsync[];
  workerId?: string;
  /** METRICS_TOKEN: bearer token for GET /metrics (absent: loopback only). */
  metricsToken?: string;
  /** The time of day (core/clock.ts): the system's by default; the sandbox's under `serve`. */
  clock?: Clock;
}

/** Every admin group of `options`, the primary first, each once. */
export function adminGroupsOf(
  options: Pick<RuntimeOptions, 'adminChatId' | 'adminChatIds'>,
): number[] {
  return [...new Set([options.adminChatId, ...(options.adminChatIds ?? [])])];
}

/** Every store, client and service of one process, each built once. */
export interface Runtime {
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
  metrics: RuntimeMetrics;
  tuning: TrafficTuning;
  jobs: JobScheduler | undefined;
  /** The one settings store of the process (one cache). */
  settings: SettingsStore;
  /** The audit log of admin actions (core/audit.ts). */
  audit: AuditLog;
  ledger: DbLedgerStore;
  fan: FanServices;
  passNotices: PassNotices;
  /** Response-time reminders and topic icons: `run(now)` is what the job does each minute. */
  responseAlerts: ResponseAlerts;
  /** Payments (undefined when not configured). */
  payments: Payments | undefined;
  /** Starts the outbox worker, polling (if chosen) and the scheduled jobs. */
  start(): Promise<void>;
  /** Graceful: stop intake, let queued updates and calls in flight finish, put back the rest. */
  stop(): Promise<void>;
}
