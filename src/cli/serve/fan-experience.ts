/**
 * Composition of the fan experience: db stores (accounts, the one-transaction message store,
 * links, products, pass notices, settings) and the telegram services that use them (fan
 * cards, balance bar, receipts, pass notices). The backbone passes the result to the bot.
 */
import type { Knex } from 'knex';
import { createFanAccountStore } from '../../adapters/db/fan-account-store.js';
import { createFanMessageStore } from '../../adapters/db/fan-message-store.js';
import { createLedgerStore, type DbLedgerStore } from '../../adapters/db/ledger-store.js';
import { createMessageLinkStore } from '../../adapters/db/message-link-store.js';
import type { DbOutboxStore } from '../../adapters/db/outbox-store.js';
import { createPassNoticeStore } from '../../adapters/db/pass-notice-store.js';
import { createProductCatalog } from '../../adapters/db/product-catalog.js';
import { BalanceBar } from '../../adapters/telegram/balance-bar.js';
import { cachedProducts, type FanExperienceDeps } from '../../adapters/telegram/fan-experience.js';
import { InfoCards } from '../../adapters/telegram/info-cards.js';
import { createPassNotices, type PassNotices } from '../../adapters/telegram/pass-notices.js';
import { createDeliveryHook } from '../../adapters/telegram/receipts.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import { loadMessageCatalog } from '../../config/message-templates.js';
import { createSettingsStore, type SettingsStore } from '../../config/settings-store.js';
import { noSpendObserver, type SpendObserver } from '../../core/balance.js';
import type { Logger } from '../../core/logger.js';
import type { OutboxJob } from '../../core/traffic/outbox.js';

export interface FanExperienceOptions {
  /** CURRENCY: prices and total spend. */
  currency?: string;
  /** LOW_CREDIT_ALERT_THRESHOLD: the default of the `low_balance.threshold` setting. */
  lowBalanceThreshold?: number;
  /** Folder of the `<locale>.yaml` message templates. */
  templatesDir?: string;
  /** Language of the team's texts (default en). */
  adminLanguage?: string;
  /** Told after each committed spend (auto-recharge). */
  spendObserver?: SpendObserver;
  /** Real milliseconds; defaults scale with the traffic time scale (sandbox, tests). */
  albumHoldMs?: number;
  balanceBarDelayMs?: number;
  cardRefreshMs?: number;
  settingsTtlMs?: number;
}

export interface FanExperience {
  deps: FanExperienceDeps;
  settings: SettingsStore;
  ledger: DbLedgerStore;
  passNotices: PassNotices;
  onDelivered: (
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ) => Promise<void>;
  /** Sends what the coalescing services still hold (shutdown). */
  flush(): Promise<void>;
}

export interface FanExperienceContext {
  db: Knex;
  sender: TelegramSender;
  outbox: DbOutboxStore;
  adminChatId: number;
  logger: Logger;
  wake: () => void;
  /** Real seconds per simulated second (1 in production). */
  timeScale: number;
}

export function buildFanExperience(
  context: FanExperienceContext,
  options: FanExperienceOptions = {},
): FanExperience {
  const { db, sender, outbox, adminChatId, logger, wake, timeScale } = context;
  const scaled = (ms: number, floor: number) => Math.max(floor, Math.round(ms * timeScale));
  const templates = loadMessageCatalog(options.templatesDir);
  const settings = createSettingsStore(db, {
    ttlMs: options.settingsTtlMs,
    logger: logger.child({ component: 'settings' }),
    ...(options.lowBalanceThreshold === undefined
      ? {}
      : { defaults: { 'low_balance.threshold': options.lowBalanceThreshold } }),
  });
  const ledger = createLedgerStore(db);
  const accounts = createFanAccountStore(db, ledger);
  const products = cachedProducts(createProductCatalog(db));
  const links = createMessageLinkStore(db);
  const currency = options.currency ?? 'usd';
  const adminLanguage = options.adminLanguage ?? 'en';
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
  });
  const balanceBar = new BalanceBar({
    accounts,
    outbox,
    templates,
    logger: logger.child({ component: 'balance' }),
    delayMs: options.balanceBarDelayMs ?? scaled(3_000, 50),
    wake,
  });
  const deps: FanExperienceDeps = {
    accounts,
    messages: createFanMessageStore(db, { ledger, outbox }),
    links,
    products,
    settings,
    templates,
    currency,
    spendObserver: options.spendObserver ?? noSpendObserver,
    cards,
    balanceBar,
    albumHoldMs: options.albumHoldMs ?? scaled(1_500, 250),
    adminLanguage,
    now: () => new Date(),
  };
  return {
    deps,
    settings,
    ledger,
    passNotices: createPassNotices({
      store: createPassNoticeStore(db, outbox),
      settings,
      templates,
      products,
      wake,
    }),
    onDelivered: createDeliveryHook({
      links,
      outbox,
      settings,
      logger: logger.child({ component: 'receipts' }),
      wake,
    }),
    async flush() {
      await Promise.all([cards.flush(), balanceBar.flush()]);
    },
  };
}
