/**
 * What the fan-experience features need besides the backbone: the ports over fan accounts,
 * the one-transaction message store, message links, products, settings and templates, and
 * the two coalescing services (fan card refresh, balance bar).
 */
import type { SettingsStore } from '../../config/settings-store.js';
import type { SpendObserver } from '../../core/balance.js';
import type {
  FanAccounts,
  FanMessageStore,
  MessageLinks,
  ProductCatalogPort,
  ProductOffer,
} from '../../core/fan-account.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { BalanceBar } from './balance-bar.js';
import type { InfoCards } from './info-cards.js';

export interface FanExperienceDeps {
  accounts: FanAccounts;
  messages: FanMessageStore;
  links: MessageLinks;
  products: ProductCatalogPort;
  settings: Pick<SettingsStore, 'getAll'>;
  templates: MessageCatalog;
  /** Currency of prices and total spend shown to people. */
  currency: string;
  /** Told after every committed spend (auto-recharge); no-op by default. */
  spendObserver: SpendObserver;
  cards: InfoCards;
  balanceBar: BalanceBar;
  /** How long the first item of an album waits for the rest, so they go out together. */
  albumHoldMs: number;
  /** Language of the team's texts (card, topic notices). */
  adminLanguage: string;
  now: () => Date;
}

/** Caches the product list briefly: it is read for every buy prompt and alert. */
export function cachedProducts(port: ProductCatalogPort, ttlMs = 10_000): ProductCatalogPort {
  let cache: { at: number; products: ProductOffer[] } | null = null;
  return {
    async activeProducts() {
      if (cache && Date.now() - cache.at < ttlMs) return cache.products;
      const products = await port.activeProducts();
      cache = { at: Date.now(), products };
      return products;
    },
  };
}
