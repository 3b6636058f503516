/** Premium content's use cases (the vault, teasers, unlocks, the library) over the runtime's stores. */
import { createContentStore } from '../../adapters/db/content-store.js';
import { createContentService, type ContentService } from '../../core/content/service.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { TelegramContext } from './telegram.js';

/** One content service per process; the rails follow `payments.rails` (an item has its own prices). */
export function buildContent(context: TelegramContext, templates: MessageCatalog): ContentService {
  const { db, options, stores, logger, wake } = context;
  const rails = stores.paymentRails;
  return createContentService({
    store: createContentStore(db, stores.fanGroups),
    ledger: stores.ledger,
    templates,
    adminChatId: options.adminChatId,
    adminLanguage: options.fan?.adminLanguage,
    currency: options.fan?.currency ?? 'usd',
    logger: logger.child({ component: 'content' }),
    onEnqueued: wake,
    // Computed as for a product with a Stars price: whether an item offers Stars is its own.
    rails: rails ? () => rails([{ stripePriceId: null, stars: 1 }]) : undefined,
  });
}
