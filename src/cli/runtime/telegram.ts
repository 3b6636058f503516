/**
 * The Telegram side: the one sender (rate limits, long-pause alerts), the outbox worker
 * and the topic manager, the bot with its features, the update intake and the poller.
 */
import type { UserFromGetMe } from 'telegraf/types';
import { dialectOf, type Db } from '../../adapters/db/knex.js';
import { createGroupBudgetStore } from '../../adapters/db/group-budget-store.js';
import { createAdminAuthorizer } from '../../adapters/telegram/admin-auth.js';
import { AlertReporter } from '../../adapters/telegram/alerts.js';
import type { BotApi } from '../../adapters/telegram/bot-api.js';
import type { FanServices, RelayUseCases } from '../../adapters/telegram/bot-deps.js';
import { fanForAlert } from '../../adapters/telegram/alerts.js';
import { createBot } from '../../adapters/telegram/bot.js';
import { GroupAccess } from '../../adapters/telegram/group-access.js';
import {
  isFanContent,
  UpdateIntake,
  type UpdateIntakeDeps,
} from '../../adapters/telegram/intake.js';
import { OutboxWorker } from '../../adapters/telegram/outbox-worker.js';
import { Poller } from '../../adapters/telegram/polling.js';
import { TelegramSender } from '../../adapters/telegram/sender.js';
import { cachedStarBalance } from '../../adapters/telegram/star-transactions.js';
import { TopicManager } from '../../adapters/telegram/topics.js';
import type { DropEngine } from '../../core/drops/engine.js';
import type { ContentService } from '../../core/content/service.js';
import type { PaymentRefunds } from '../../core/fan-admin.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import type { PaymentCommands } from '../../core/payments/service.js';
import type { ProductAdmin } from '../../core/products/admin.js';
import type { UndeliveredClose } from '../../core/relay/ports.js';
import { formatDateTime } from '../../core/time-format.js';
import { simulatedSecondsToMs } from '../../core/traffic/limits.js';
import type { OutboxJob } from '../../core/traffic/outbox.js';
import type { Clock } from '../../core/clock.js';
import type { Stores } from './stores.js';
import type { TrafficTuning } from './traffic-config.js';
import { adminGroupsOf, type RuntimeOptions } from './types.js';

export interface TelegramContext {
  options: RuntimeOptions;
  db: Db;
  api: BotApi;
  botInfo: UserFromGetMe;
  stores: Stores;
  logger: Logger;
  metrics: RuntimeMetrics;
  tuning: TrafficTuning;
  wake: () => void;
  /** The time of day for passes, alerts and what people are shown (core/clock.ts). */
  clock: Clock;
}

/** The sender and the alerts it raises on a long 429 pause (persisted for every instance). */
export function buildSender(context: TelegramContext) {
  const { options, stores, logger, metrics, tuning, wake } = context;
  const alerts = new AlertReporter({
    outbox: stores.outbox,
    adminChatId: options.adminChatId,
    ownerIds: options.ownerIds,
    logger: logger.child({ component: 'alerts' }),
    metrics,
    onEnqueued: wake,
  });
  const sender = new TelegramSender({
    api: context.api,
    limits: tuning.limits,
    logger: logger.child({ component: 'sender' }),
    metrics,
    // The admin group's budget is one for every instance and survives restarts.
    groupBudget: createGroupBudgetStore(context.db),
    async onLongPause(pause, retryAfterSeconds) {
      await stores.pauses.save(pause);
      const where =
        pause.chatId === options.adminChatId
          ? 'the admin group'
          : pause.chatId > 0
            ? `the private chat of ${await fanForAlert(stores.fans, pause.chatId)}`
            : `chat ${pause.chatId}`;
      const timeZone = await stores.settings.get('display.time_zone').catch(() => 'UTC');
      const until = formatDateTime(new Date(pause.until), {
        locale: options.fan?.adminLanguage,
        timeZone,
      });
      await alerts.raise({
        key: `long_pause:${pause.chatId}`,
        severity: 'critical',
        text:
          `Telegram paused sends to ${where} for ${retryAfterSeconds} s (until ${until}). ` +
          'Messages for it are kept in the outbox and go out after the pause; other chats are not affected.',
      });
    },
  });
  return { alerts, sender };
}

export interface TelegramParts {
  sender: TelegramSender;
  alerts: AlertReporter;
  fan: FanServices;
  relay: RelayUseCases;
  payments?: PaymentCommands;
  /** Refunds from /users (absent without payments). */
  refunds?: PaymentRefunds;
  /** /products' catalog use cases. */
  products?: ProductAdmin;
  /** Premium content (the vault, teasers, unlocks, the library). */
  content?: ContentService;
  /** /drops and the drops' Cancel button. */
  drops?: DropEngine;
  /** Posts and pins a new topic's fan card (inside the topic's single flight). */
  onFanTopicCreated: (
    fanId: number,
    topicId: number,
    options?: { cardClaimed?: boolean },
  ) => Promise<boolean | void>;
  onDelivered: (
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ) => Promise<void>;
  /** Closes jobs ended without delivery with their refunds and notices. */
  closeUndelivered: (jobs: readonly OutboxJob[], close: UndeliveredClose) => Promise<unknown>;
}

/** The worker, topics, bot, intake and poller. */
export function buildTelegram(context: TelegramContext, parts: TelegramParts) {
  const { options, stores, logger, metrics, tuning, wake } = context;
  const { sender, alerts } = parts;
  const topics = new TopicManager({
    sender,
    fans: stores.fans,
    state: stores.state,
    adminChatId: options.adminChatId,
    logger: logger.child({ component: 'topics' }),
    onFanTopicCreated: parts.onFanTopicCreated,
  });
  const groupAccess = new GroupAccess({
    sender,
    pauses: stores.pauses,
    state: stores.state,
    alerts,
    adminChatId: options.adminChatId,
    botId: context.botInfo.id,
    logger: logger.child({ component: 'group-access' }),
    recheckMs: simulatedSecondsToMs(tuning.groupRecheckSeconds, tuning.limits),
    reminderMs: simulatedSecondsToMs(tuning.groupReminderSeconds, tuning.limits),
    wake,
  });
  const worker = new OutboxWorker({
    store: stores.outbox,
    sender,
    topics,
    fans: stores.fans,
    pauses: stores.pauses,
    alerts,
    logger: logger.child({ component: 'outbox' }),
    metrics,
    adminChatId: options.adminChatId,
    adminChatIds: adminGroupsOf(options),
    groupAccess,
    singleInstance: dialectOf(context.db) === 'sqlite',
    workerId: options.workerId,
    concurrency: tuning.concurrency,
    leaseMs: tuning.leaseMs,
    idlePollMs: tuning.idlePollMs,
    pauseRefreshMs: tuning.pauseRefreshMs,
    onDelivered: parts.onDelivered,
    closeUndelivered: parts.closeUndelivered,
  });
  const admins = createAdminAuthorizer({
    adminChatId: options.adminChatId,
    adminChatIds: adminGroupsOf(options),
    ownerIds: options.ownerIds,
    admins: stores.admins,
  });
  const bot = createBot({
    token: options.botToken,
    apiRoot: options.apiRoot,
    botInfo: context.botInfo,
    adminChatId: options.adminChatId,
    adminChatIds: adminGroupsOf(options),
    ownerIds: options.ownerIds,
    outbox: stores.outbox,
    sender,
    fans: stores.fans,
    admins,
    alerts,
    logger: logger.child({ component: 'bot' }),
    metrics,
    wakeOutbox: wake,
    fan: parts.fan,
    relay: parts.relay,
    payments: parts.payments,
    groupAccess,
    panel: {
      menus: stores.panelMenus,
      audit: stores.audit,
      settings: stores.settings,
      inbox: stores.inbox,
      fanAdmin: stores.fanAdmin,
      ledger: stores.ledger,
      refunds: parts.refunds,
      products: parts.products,
      content: parts.content,
      drops: parts.drops,
    },
    dashboard: {
      stats: stores.stats,
      files: stores.panelFiles,
      starBalance: cachedStarBalance(context.api),
    },
    content: parts.content,
    teamInbox: { snippets: stores.snippets, activity: stores.teamActivity },
    team: { claims: stores.claims, members: stores.team, held: stores.held, claimListeners: [] },
  });
  const intake = new UpdateIntake({
    updates: stores.updates,
    // Bound, not wrapped: an update goes from the intake straight to telegraf.
    handle: bot.handleUpdate.bind(bot) as unknown as UpdateIntakeDeps['handle'],
    recordedByHandler: isFanContent,
    logger: logger.child({ component: 'intake' }),
    metrics,
    onGiveUp: (update) =>
      alerts.raise({
        key: 'update_gave_up',
        severity: 'warning',
        text: `Update ${update.update_id} failed repeatedly and was skipped. See the logs.`,
      }),
  });
  const poller =
    options.mode === 'polling'
      ? new Poller({
          api: context.api,
          intake,
          logger: logger.child({ component: 'polling' }),
          timeoutSeconds: tuning.pollTimeoutSeconds,
        })
      : undefined;
  return { topics, worker, admins, bot, intake, poller, groupAccess };
}
