/** What the panel needs besides the bot's deps (built once in src/cli/runtime). */
import type { SettingsStore } from '../../../config/settings-store.js';
import type { AuditLog } from '../../../core/audit.js';
import type { PanelMenuStore } from '../../../core/panel/ports.js';

export interface PanelServices {
  menus: PanelMenuStore;
  /**
   * The audit log every admin action goes to:
   * `audit.record({ actorId, action, fanId?, subject?, before?, after? })`.
   */
  audit: AuditLog;
  settings: SettingsStore;
}
