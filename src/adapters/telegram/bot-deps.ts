/**
 * What the bot's features are given (one typed deps object, built by src/cli/runtime) and
 * the shape of a feature. In a module of its own so features and the bot never import each
 * other.
 */
import type { Context, Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { SettingsStore } from '../../config/settings-store.js';
import type { ContentService } from '../../core/content/service.js';
import type { FanAccounts, MessageLinks, ProductCatalogPort } from '../../core/fan-account.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import type { PaymentCommands } from '../../core/payments/service.js';
import type { FanMessageInput, FanMessageResult } from '../../core/relay/fan-message.js';
import type { ResendResult } from '../../core/relay/resend.js';
import type { TeamReplyInput, TeamReplyResult } from '../../core/relay/team-reply.js';
import type { DashboardPorts } from '../../core/stats/ports.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { OutboxStore } from '../../core/traffic/outbox.js';
import type { FanDirectory } from '../../core/traffic/ports.js';
import type { AdminAuthorizer } from './admin-auth.js';
import type { AlertSink } from './alerts.js';
import type { BalanceBar } from './balance-bar.js';
import type { TeamServices } from './features/team/services.js';
import type { GroupAvailability } from './group-access.js';
import type { InfoCards } from './info-cards.js';
import type { TeamInboxServices } from './features/snippets/services.js';
import type { PanelServices } from './panel/services.js';
import type { TelegramSender } from './sender.js';

/** The fan-facing services the features read: accounts, products, texts, cards. */
export interface FanServices {
  accounts: FanAccounts;
  links: MessageLinks;
  products: ProductCatalogPort;
  settings: Pick<SettingsStore, 'getAll'>;
  templates: MessageCatalog;
  /** Currency of prices and total spend shown to people. */
  currency: string;
  cards: InfoCards;
  balanceBar: BalanceBar;
  /** Language of the team's texts (card, topic notices). */
  adminLanguage: string;
  now: () => Date;
}

/** The relay's use cases (src/core/relay). */
export interface RelayUseCases {
  fanMessage(input: FanMessageInput): Promise<FanMessageResult>;
  teamReply(input: TeamReplyInput): Promise<TeamReplyResult>;
  /** The team's Resend of a fan's relays that ended `uncertain` (job ids fromJobId..toJobId). */
  resendUncertain(fanId: number, fromJobId: number, toJobId: number): Promise<ResendResult>;
}

export interface BotDeps {
  token: string;
  apiRoot: string;
  /** getMe's answer, fetched once at startup (telegraf would otherwise call getMe itself). */
  botInfo: UserFromGetMe;
  /** The primary admin group: alerts, the panel, owner commands. */
  adminChatId: number;
  /**
   * Every admin group, the primary first (ADMIN_CHAT_IDS): the team works in the topics of
   * each; absent: the primary only. See `isAdminGroup`.
   */
  adminChatIds?: readonly number[];
  ownerIds: readonly number[];
  outbox: Pick<OutboxStore, 'enqueue'>;
  sender: TelegramSender;
  fans: FanDirectory;
  admins: AdminAuthorizer;
  alerts: AlertSink;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Wakes the outbox worker after an enqueue. */
  wakeOutbox: () => void;
  fan: FanServices;
  relay: RelayUseCases;
  /** Checkout, quick-buy, billing portal and auto-recharge (absent: the fallback answers). */
  payments?: PaymentCommands;
  /** The admin group's availability (my_chat_member there; fans told while it is lost). */
  groupAccess?: GroupAvailability;
  /** The admin panel's menus, audit log and settings (absent: no panel commands). */
  panel?: PanelServices;
  /** The /admin dashboard's queries and the chart's stored upload (absent: no figures). */
  dashboard?: DashboardPorts;
  /** Premium content: /lock, /ppv, teasers, unlocks, /library (absent: none of them). */
  content?: ContentService;
  /** Saved replies and the team's answers and figures (absent: no /s, no team page). */
  teamInbox?: TeamInboxServices;
  /** The team inbox: claims, members, held messages (absent: no /team, /take…). */
  team?: TeamServices;
}

/** One bot feature: registers its handlers, in the order of features/index.ts. */
export interface Feature {
  name: string;
  register(bot: Telegraf<Context>, deps: BotDeps): void;
}

/**
 * `deps` as seen from the admin group `chatId`: the same deps in the primary group; in an
 * overflow group (ADMIN_CHAT_IDS) a copy whose `adminChatId` is that group, so a team
 * feature answers, looks topics up and replies where the update came from. Null when
 * `chatId` is not an admin group.
 */
export function inAdminGroup<T extends Pick<BotDeps, 'adminChatId' | 'adminChatIds'>>(
  deps: T,
  chatId: number | undefined,
): T | null {
  if (chatId === deps.adminChatId) return deps;
  if (chatId === undefined || !deps.adminChatIds?.includes(chatId)) return null;
  return { ...deps, adminChatId: chatId };
}
