/**
 * The fan side: the coalescing services (fan card, balance bar), pass notices, receipts,
 * and the relay use cases (core/relay) over the stores.
 */
import { BalanceBar } from '../../adapters/telegram/balance-bar.js';
import type { FanServices, RelayUseCases } from '../../adapters/telegram/bot-deps.js';
import { InfoCards } from '../../adapters/telegram/info-cards.js';
import { LostSaleLines } from '../../adapters/telegram/lost-sales.js';
import { createPassNotices } from '../../adapters/telegram/pass-notices.js';
import { createDeliveryHook, ReceiptSender } from '../../adapters/telegram/receipts.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import { noSpendObserver, type SpendObserver } from '../../core/balance.js';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { createFanMessageHandler } from '../../core/relay/fan-message.js';
import { createResendHandler } from '../../core/relay/resend.js';
import { createUndeliveredHandler } from '../../core/relay/undelivered.js';
import { createTeamReplyHandler } from '../../core/relay/team-reply.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { Stores } from './stores.js';
import type { FanOptions } from './types.js';

export interface FanContext {
  stores: Stores;
  sender: TelegramSender;
  adminChatId: number;
  logger: Logger;
  wake: () => void;
  /** Real seconds per simulated second (1 in production). */
  timeScale: number;
  /** Told after each committed spend (auto-recharge). */
  spendObserver?: SpendObserver;
  /** The process's message templates (loaded once, shared with payments). */
  templates: MessageCatalog;
  /** The time of day: pass starts and ends, waiting times, the cards' "left" (core/clock.ts). */
  clock?: Clock;
}

/** The name of the team member who holds the fan, for the card (null: nobody). */
async function claimerOf(stores: Stores, fanId: number): Promise<string | null> {
  const claim = await stores.claims.claimOf(fanId);
  if (!claim) return null;
  const names = await stores.team.namesOf([claim.userId]);
  return names.get(claim.userId) ?? `#${claim.userId}`;
}

export function buildFanSide(context: FanContext, options: FanOptions = {}) {
  const { stores, sender, adminChatId, logger, wake, timeScale, templates } = context;
  const scaled = (ms: number, floor: number) => Math.max(floor, Math.round(ms * timeScale));
  const currency = options.currency ?? 'usd';
  const adminLanguage = options.adminLanguage ?? 'en';
  const now = () => (context.clock ?? systemClock).now();
  const { accounts, outbox, settings, products, links } = stores;
  const cards = new InfoCards({
    sender,
    outbox,
    accounts,
    templates,
    adminChatId,
    adminLanguage,
    currency,
    logger: logger.child({ component: 'cards' }),
    refreshDelayMs: options.cardRefreshMs ?? scaled(30_000, 100),
    wake,
    now,
    timeZone: () => settings.get('display.time_zone'),
    pinCard: () => settings.get('relay.pin_card'),
    latestPurchase: stores.latestSale,
    claimerOf: (fanId) => claimerOf(stores, fanId),
    view: stores.cardView,
  });
  const balanceBar = new BalanceBar({
    accounts,
    outbox,
    templates,
    logger: logger.child({ component: 'balance' }),
    delayMs: options.balanceBarDelayMs ?? scaled(3_000, 50),
    wake,
    now,
    accountsOf: stores.accountsOf,
  });
  const receipts = new ReceiptSender({ sender, logger: logger.child({ component: 'receipts' }) });
  const lostSales = new LostSaleLines({
    store: stores.lostSales,
    outbox,
    accounts,
    windowMinutes: () => settings.get('lost_sales.window_minutes'),
    t: templates.forLanguage(adminLanguage),
    adminChatId,
    logger: logger.child({ component: 'lost-sales' }),
    delayMs: options.lostSaleDelayMs ?? scaled(30_000, 100),
    wake,
  });
  const services: FanServices = {
    accounts,
    links,
    products,
    settings,
    templates,
    currency,
    cards,
    balanceBar,
    adminLanguage,
    now,
  };
  const relay: RelayUseCases = {
    fanMessage: createFanMessageHandler({
      store: stores.fanMessages,
      settings: stores.relaySettings,
      products,
      templates,
      accounts,
      adminChatId,
      cards,
      balanceBar,
      lostSales,
      wake,
      now,
      albumHoldMs: options.albumHoldMs ?? scaled(1_500, 250),
      spendObserver: context.spendObserver ?? noSpendObserver,
      logger: logger.child({ component: 'relay' }),
    }),
    teamReply: createTeamReplyHandler({
      fans: stores.fans,
      links,
      outbox,
      settings: stores.relaySettings,
      wake,
      // No clock here: its only time is the album hold, a real-time wait in the outbox.
      albumHoldMs: options.albumHoldMs ?? scaled(1_500, 250),
    }),
    resendUncertain: createResendHandler({ store: stores.undelivered, wake }),
  };
  return {
    services,
    relay,
    passNotices: createPassNotices({
      store: stores.passNoticeStore,
      settings,
      templates,
      products,
      wake,
      cards,
    }),
    closeUndelivered: createUndeliveredHandler({
      store: stores.undelivered,
      templates,
      adminChatId,
      adminLanguage,
      cards,
      wake,
    }),
    onDelivered: createDeliveryHook({
      links,
      receipts,
      settings,
      logger: logger.child({ component: 'receipts' }),
    }),
    /** Sends what the coalescing services still hold (shutdown). */
    async flush() {
      await Promise.all([cards.flush(), balanceBar.flush(), lostSales.flush(), receipts.flush()]);
    },
  };
}

export type FanSide = ReturnType<typeof buildFanSide>;
