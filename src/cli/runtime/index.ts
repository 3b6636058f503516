/**
 * The composition root: `buildRuntime(options)` builds each store, client and cache exactly
 * once per process (stores → sender → fan side → payments → Telegram → HTTP) and hands
 * typed deps down. Adapters never import each other; they meet here. Nothing listens and
 * nothing starts: `serve` (and the tests, and the benchmark) call `start()` and `listen()`.
 */
import type { UserFromGetMe } from 'telegraf/types';
import { ensureInstallId } from '../../adapters/db/bot-state-store.js';
import { botIdOf, createBotApi, type BotApi } from '../../adapters/telegram/bot-api.js';
import { createStarTransactionsSource } from '../../adapters/telegram/star-transactions.js';
import { withStoredUploads } from '../../adapters/telegram/stored-uploads.js';
import { PANEL_SCREENS } from '../../adapters/telegram/features/panel-screens.js';
import { publishPanelCommands } from '../../adapters/telegram/panel/commands.js';
import { loadMessageCatalog } from '../../config/message-templates.js';
import { systemClock } from '../../core/clock.js';
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';
import { MetricsRegistry } from '../../adapters/http/prometheus.js';
import { runtimeMetrics } from '../../core/metrics.js';
import type { PerFanRequest } from '../../core/relay/ports.js';
import type { MessageCatalog } from '../../core/templates.js';
import { windowRules } from '../../core/traffic/limits.js';
import type { JobScheduler } from '../../jobs/scheduler.js';
import type { OutboxWorker } from '../../adapters/telegram/outbox-worker.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import { buildPayments, type Payments } from './payments.js';
import { buildDrops } from './drops.js';
import { buildContent } from './content.js';
import { buildFanSide } from './fan.js';
import { buildResponseAlerts } from './inbox.js';
import { buildProductAdmin } from './products.js';
import { buildHttp } from './http.js';
import { lifecycle } from './lifecycle.js';
import { buildStores } from './stores.js';
import { buildSender, buildTelegram, type TelegramContext } from './telegram.js';
import { resolveTuning } from './traffic-config.js';
import { adminGroupsOf, type Runtime, type RuntimeOptions } from './types.js';

export type { FanOptions, Runtime, RuntimeOptions } from './types.js';

/** Builds everything; calls getMe when `botInfo` is not given (that also checks the token). */
export async function buildRuntime(options: RuntimeOptions): Promise<Runtime> {
  if (options.mode === 'webhook' && !options.webhookSecret) {
    throw new PremiumbotError(ErrorCodes.config, 'Webhook mode needs TELEGRAM_WEBHOOK_SECRET', {
      kind: 'usage',
    });
  }
  const { db, logger } = options;
  const { context, registry, metrics, api, stores, tuning, workerRef, wake } =
    await buildContext(options);
  const { sender, alerts } = buildSender(context);
  const { payments, fan } = await paymentsAndFanSide(context, sender);
  const content = buildContent(context, fan.services.templates);
  const drops = buildDrops(context, { fan: fan.services, content });
  const telegram = buildTelegram(context, {
    sender,
    alerts,
    fan: fan.services,
    relay: fan.relay,
    payments: payments?.service,
    refunds: payments?.refunds,
    products: await buildProductAdmin(context),
    content,
    drops: drops.engine,
    onFanTopicCreated: (fanId, topicId, options) =>
      fan.services.cards.post(fanId, topicId, true, options?.cardClaimed === true),
    onDelivered: fan.onDelivered,
    closeUndelivered: fan.closeUndelivered,
  });
  const { worker, intake, poller } = telegram;
  workerRef.current = worker;
  const responseAlerts = buildResponseAlerts({
    stores,
    fan: fan.services,
    sender,
    adminChatId: options.adminChatId,
    ownerIds: options.ownerIds,
    logger,
    wake,
  });

  const app = await buildHttp({
    options,
    db,
    registry,
    metrics,
    outbox: stores.outbox,
    sender,
    alerts,
    intake,
    logger,
    extraRoutes: payments ? [payments.route] : [],
  });

  let jobs: JobScheduler | undefined;
  const life = lifecycle({
    options,
    app,
    worker,
    groupAccess: telegram.groupAccess,
    poller,
    intake,
    stores,
    fan,
    responseAlerts,
    starsUpkeep: payments?.starsUpkeep,
    sender,
    logger,
    tuning,
    clock: context.clock,
    setJobs: (scheduler) => (jobs = scheduler),
    jobs: () => jobs,
  });
  return {
    app,
    bot: telegram.bot,
    api,
    sender,
    worker,
    intake,
    poller,
    outbox: stores.outbox,
    fans: stores.fans,
    pauses: stores.pauses,
    updates: stores.updates,
    admins: telegram.admins,
    alerts,
    registry,
    metrics,
    tuning,
    get jobs() {
      return jobs;
    },
    settings: stores.settings,
    ledger: stores.ledger,
    fan: fan.services,
    passNotices: fan.passNotices,
    responseAlerts,
    payments,
    audit: stores.audit,
    ...life,
    async start() {
      await life.start();
      drops.runner.start();
      // The admin group's command menu (its administrators see the panel's commands).
      await publishPanelCommands(sender, PANEL_SCREENS, options.adminChatId, logger);
    },
    async stop() {
      await drops.runner.stop();
      await life.stop();
    },
  };
}

/**
 * What every part is built from: the Bot API client (getMe when `botInfo` is not given), the
 * stores, metrics and tuning; the worker is set into `workerRef` once built.
 */
async function buildContext(options: RuntimeOptions) {
  const tuning = resolveTuning(options.tuning ?? {});
  const { db, logger } = options;
  const registry = new MetricsRegistry();
  const metrics = runtimeMetrics(registry);
  const api = createBotApi({ token: options.botToken, apiRoot: options.apiRoot });
  const botInfo = options.botInfo ?? (await getMe(api, options.apiRoot));
  const stores = buildStores(db, {
    botId: botIdOf(options.botToken),
    logger,
    lowBalanceThreshold: options.fan?.lowBalanceThreshold,
    settingsTtlMs: options.fan?.settingsTtlMs,
    payments: options.payments ? { stripe: options.payments.stripe !== undefined } : undefined,
    adminGroups: { chatIds: adminGroupsOf(options), rule: windowRules(tuning.limits).group },
  });

  // The worker is built after the services that enqueue; until then there is nothing to wake.
  const workerRef: { current?: OutboxWorker } = {};
  const wake = () => workerRef.current?.wake();
  const context: TelegramContext = {
    options,
    db,
    // Outbox jobs name stored files (the dashboard's chart); the client uploads their bytes.
    api: withStoredUploads(api, stores.panelFiles),
    botInfo,
    stores,
    logger,
    metrics,
    tuning,
    wake,
    clock: options.clock ?? systemClock,
  };
  return { context, registry, metrics, api, stores, tuning, workerRef, wake };
}

/**
 * Payments, then the fan side (payments' spend observer goes into the fan message use case;
 * the fan cards, built second, are bound back for payments' "fans changed" hook). One
 * message catalog serves both: the fan texts and the payment texts.
 */
async function paymentsAndFanSide(context: TelegramContext, sender: TelegramSender) {
  const { options, stores, logger, tuning, wake } = context;
  const templates = loadMessageCatalog(options.fan?.templatesDir);
  const cardsRef: { current?: PerFanRequest } = {};
  const payments = await paymentsOf(context, templates, (fanIds) => {
    for (const fanId of fanIds) cardsRef.current?.request(fanId);
  });
  const fan = buildFanSide(
    {
      stores,
      templates,
      sender,
      adminChatId: options.adminChatId,
      logger: logger.child({ component: 'fan' }),
      wake,
      timeScale: tuning.limits.timeScale,
      spendObserver: payments?.spendObserver,
      clock: context.clock,
    },
    options.fan,
  );
  cardsRef.current = fan.services.cards;
  return { payments, fan };
}

/** Payments over the runtime's stores, when payments are wired (Stripe and/or Stars). */
async function paymentsOf(
  context: TelegramContext,
  templates: MessageCatalog,
  onFansChanged: (fanIds: readonly number[]) => void,
): Promise<Payments | undefined> {
  const { options, stores } = context;
  if (!options.payments) return undefined;
  // Written at setup or migrate; a database that has none gets one at the first start.
  const installId = await ensureInstallId(context.db);
  return buildPayments(
    {
      db: context.db,
      botUsername: context.botInfo.username,
      adminChatId: options.adminChatId,
      fanGroups: stores.fanGroups,
      ownerIds: options.ownerIds,
      logger: context.logger,
      wake: context.wake,
      clock: context.clock,
      settings: stores.settings,
      ledger: stores.ledger,
      templates,
      adminLanguage: options.fan?.adminLanguage,
      currency: options.fan?.currency,
      installId,
      onFansChanged,
      rails: stores.paymentRails,
      starTransactions: createStarTransactionsSource(context.api),
    },
    options.payments,
  );
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
