/**
 * The telegraf bot, built but not started: intake (webhook or polling) drives it through
 * `handleUpdate`, with webhookReply off so every call goes through our sender.
 * Features register in the order of features/index.ts.
 */
import { Telegraf, type Context } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { PaymentCommands } from '../../core/payments/service.js';
import type { OutboxStore } from '../../core/traffic/outbox.js';
import type { FanDirectory } from '../../core/traffic/ports.js';
import type { Logger } from '../../core/logger.js';
import type { BackboneMetrics } from '../../core/metrics.js';
import type { AdminAuthorizer } from './admin-auth.js';
import type { AlertSink } from './alerts.js';
import { createBotErrorReporter } from './errors.js';
import type { FanExperienceDeps } from './fan-experience.js';
import { FEATURES, type Feature } from './features/index.js';
import type { TelegramSender } from './sender.js';

export interface BotDeps {
  token: string;
  apiRoot: string;
  /** getMe's answer, fetched once at startup (telegraf would otherwise call getMe itself). */
  botInfo: UserFromGetMe;
  adminChatId: number;
  ownerIds: readonly number[];
  outbox: Pick<OutboxStore, 'enqueue'>;
  sender: TelegramSender;
  fans: FanDirectory;
  admins: AdminAuthorizer;
  alerts: AlertSink;
  logger: Logger;
  metrics: BackboneMetrics;
  /** Wakes the outbox worker after an enqueue. */
  wakeOutbox: () => void;
  /** Accounts, prices, templates… of the fan experience (start, relay, card, balance). */
  fan: FanExperienceDeps;
  /** Checkout, quick-buy, billing portal and auto-recharge (absent: the fallback answers). */
  payments?: PaymentCommands;
  /** Overrides the feature registry (tests). */
  features?: readonly Feature[];
}

/** Builds the bot; errors are reported (log, friendly message, alert) and rethrown to the intake. */
export function createBot(deps: BotDeps): Telegraf<Context> {
  const apiRoot = deps.apiRoot.endsWith('/') ? deps.apiRoot : `${deps.apiRoot}/`;
  const bot = new Telegraf<Context>(deps.token, {
    telegram: { apiRoot, webhookReply: false },
    handlerTimeout: 30_000,
  });
  bot.botInfo = deps.botInfo;
  const report = createBotErrorReporter({
    logger: deps.logger,
    alerts: deps.alerts,
    outbox: deps.outbox,
    onEnqueued: deps.wakeOutbox,
  });
  bot.catch(async (err, ctx) => {
    await report(err, ctx);
    throw err;
  });
  for (const feature of deps.features ?? FEATURES) feature.register(bot, deps);
  return bot;
}
