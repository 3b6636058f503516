/** What the panel needs besides the bot's deps (built once in src/cli/runtime). */
import type { SettingsStore } from '../../../config/settings-store.js';
import type { AuditLog } from '../../../core/audit.js';
import type { ContentService } from '../../../core/content/service.js';
import type { DropEngine } from '../../../core/drops/engine.js';
import type { FanAdminStore, PaymentRefunds } from '../../../core/fan-admin.js';
import type { InboxStore } from '../../../core/inbox.js';
import type { LedgerStore } from '../../../core/ledger.js';
import type { PanelMenuStore } from '../../../core/panel/ports.js';
import type { ProductAdmin } from '../../../core/products/admin.js';

export interface PanelServices {
  menus: PanelMenuStore;
  /**
   * The audit log every admin action goes to:
   * `audit.record({ actorId, action, fanId?, subject?, before?, after? })`.
   */
  audit: AuditLog;
  settings: SettingsStore;
  /** /conversations: the inbox's pages and pins. */
  inbox?: InboxStore;
  /** /users: search, lists, payments, tier override, notes. */
  fanAdmin?: FanAdminStore;
  /** /users: pass-time gifts (credit gifts go through `deps.fan.accounts.gift`). */
  ledger?: Pick<LedgerStore, 'grantTime'>;
  /** /users: refunds through Stripe (absent without payments). */
  refunds?: PaymentRefunds;
  /** /products: the catalog it shows and changes (absent: the screen says it is unavailable). */
  products?: ProductAdmin;
  /** /vault: the items, their figures and edits (absent: the screen says it is unavailable). */
  content?: ContentService;
  /** /drops: vault items sent to segments of fans (absent: the screen says it is unavailable). */
  drops?: DropEngine;
}
