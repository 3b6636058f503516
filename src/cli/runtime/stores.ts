/** Every database store of the process, each built once over the one knex instance. */
import { createAdminStore } from '../../adapters/db/admin-store.js';
import { createAuditStore } from '../../adapters/db/audit-store.js';
import { readCardView } from '../../adapters/db/card-view-store.js';
import { createClaimStore, createHeldMessageStore } from '../../adapters/db/claim-store.js';
import { createJobLock, createStateStore } from '../../adapters/db/bot-state-store.js';
import { createFanAccountStore, readFanAccounts } from '../../adapters/db/fan-account-store.js';
import { createFanMessageStore } from '../../adapters/db/fan-message-store.js';
import { createFanStore } from '../../adapters/db/fan-store.js';
import { createInboxStore } from '../../adapters/db/inbox-store.js';
import type { Db } from '../../adapters/db/knex.js';
import { createLedgerStore } from '../../adapters/db/ledger-store.js';
import { readLatestSale } from '../../adapters/db/payment/latest-sale.js';
import { createMessageLinkStore } from '../../adapters/db/message-link-store.js';
import { createLostSalesStore } from '../../adapters/db/lost-sales-store.js';
import { createOutboxStore } from '../../adapters/db/outbox-store.js';
import { fanGroupPlacer, type FanGroupOptions } from '../../adapters/db/outbox/fan-groups.js';
import { createUndeliveredStore } from '../../adapters/db/outbox/undelivered.js';
import { createPanelFileStore } from '../../adapters/db/panel-file-store.js';
import { createPassNoticeStore } from '../../adapters/db/pass-notice-store.js';
import { createPanelMenuStore } from '../../adapters/db/panel-menu-store.js';
import { createPauseStore } from '../../adapters/db/pause-store.js';
import { createProductCatalog } from '../../adapters/db/product-catalog.js';
import { createStatsStore } from '../../adapters/db/stats-store.js';
import { createTeamStore } from '../../adapters/db/team-store.js';
import { createUpdateStore } from '../../adapters/db/update-store.js';
import { createUserSearchStore } from '../../adapters/db/user-search-store.js';
import { createResponseAlertStore } from '../../adapters/db/response-alert-store.js';
import { createSnippetStore } from '../../adapters/db/snippet-store.js';
import { createTeamActivityStore } from '../../adapters/db/team-activity-store.js';
import { createTopicStateStore } from '../../adapters/db/topic-state-store.js';
import { createSettingsStore } from '../../config/settings-store.js';
import { messageCosts, type Settings } from '../../config/settings.js';
import type { Logger } from '../../core/logger.js';
import { railsFor, type PaymentRails, type RailProduct } from '../../core/payments/rails.js';
import type { RelaySettings } from '../../core/relay/ports.js';

export interface StoreOptions {
  botId: number;
  logger: Logger;
  /** LOW_CREDIT_ALERT_THRESHOLD: the default of `low_balance.threshold`. */
  lowBalanceThreshold?: number;
  settingsTtlMs?: number;
  /** Payments are wired (Stripe and/or Stars); `stripe`: STRIPE_API_KEY is set. */
  payments?: { stripe: boolean };
  /** Every admin group (ADMIN_CHAT_IDS) and their budget rule: fans' topic jobs are placed. */
  adminGroups?: FanGroupOptions;
}

/** The settings the relay reads, in core's terms. */
function relaySettingsOf(all: Readonly<Settings>): RelaySettings {
  return {
    costs: messageCosts(all),
    lowBalanceThreshold: all['low_balance.threshold'],
    tierThresholds: all['tier.thresholds'],
    receipts: all['relay.receipts'],
    timeZone: all['display.time_zone'],
  };
}

export function buildStores(db: Db, options: StoreOptions) {
  const settings = createSettingsStore(db, {
    ttlMs: options.settingsTtlMs,
    logger: options.logger.child({ component: 'settings' }),
    ...(options.lowBalanceThreshold === undefined
      ? {}
      : { defaults: { 'low_balance.threshold': options.lowBalanceThreshold } }),
  });
  const ledger = createLedgerStore(db);
  const fanGroups = options.adminGroups ? fanGroupPlacer(options.adminGroups) : undefined;
  const outbox = createOutboxStore(db, fanGroups);
  const updates = createUpdateStore(db, options.botId);
  const wired = options.payments;
  /** The rails in force for the products on sale (`payments.rails`, bounded by configuration). */
  const paymentRails = wired
    ? async (products: readonly RailProduct[]): Promise<PaymentRails> =>
        railsFor(await settings.get('payments.rails'), wired.stripe, products)
    : undefined;
  return {
    settings,
    paymentRails,
    /** The settings the relay reads, in core's terms (derived once per load of them). */
    relaySettings: (): Promise<RelaySettings> => settings.view(relaySettingsOf),
    ledger,
    outbox,
    /** Places fans' topic jobs in their admin group (absent with one group). */
    fanGroups,
    fans: createFanStore(db),
    pauses: createPauseStore(db),
    updates,
    state: createStateStore(db),
    jobLock: createJobLock(db),
    admins: createAdminStore(db),
    accounts: createFanAccountStore(db, ledger),
    /** Several fans' accounts in one read (the balance bars due together). */
    accountsOf: (fanIds: readonly number[]) => readFanAccounts(db, fanIds),
    /** A fan's latest purchase, shown on their card. */
    latestSale: (fanId: number) => readLatestSale(db, fanId),
    /** A card's data (account, holder, latest purchase) in one read. */
    cardView: (fanId: number) => readCardView(db, fanId),
    fanMessages: createFanMessageStore(db, { ledger, outbox, updates }),
    undelivered: createUndeliveredStore(db, { ledger, groups: fanGroups }),
    passNoticeStore: createPassNoticeStore(db, outbox),
    lostSales: createLostSalesStore(db),
    products: createProductCatalog(db, { rails: paymentRails }),
    links: createMessageLinkStore(db),
    /** The admin panel's menus and the audit log every admin action is recorded in. */
    panelMenus: createPanelMenuStore(db),
    audit: createAuditStore(db),
    /** The /admin dashboard's figures, and files (its chart) waiting for the outbox. */
    stats: createStatsStore(db),
    panelFiles: createPanelFileStore(db),
    /** /conversations and /users. */
    inbox: createInboxStore(db),
    fanAdmin: createUserSearchStore(db),
    /** Saved replies, the team's answers and figures, response-time alerts. */
    snippets: createSnippetStore(db),
    teamActivity: createTeamActivityStore(db),
    responseAlerts: createResponseAlertStore(db),
    topicStates: createTopicStateStore(db),
    /** The team inbox: claims, members (the `admins` table), held messages. */
    claims: createClaimStore(db),
    team: createTeamStore(db),
    held: createHeldMessageStore(db),
  };
}

export type Stores = ReturnType<typeof buildStores>;
