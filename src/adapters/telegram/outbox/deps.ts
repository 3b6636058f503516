import type { Logger } from '../../../core/logger.js';
import type { RuntimeMetrics } from '../../../core/metrics.js';
import type { UndeliveredClose } from '../../../core/relay/ports.js';
import type { OutboxJob, OutboxStore } from '../../../core/traffic/outbox.js';
import type { FanDirectory, PauseStore } from '../../../core/traffic/ports.js';
import type { AlertSink } from '../alerts.js';
import type { GroupAvailability } from '../group-access.js';
import type { TelegramSender } from '../sender.js';
import type { TopicManager } from '../topics.js';

export interface OutboxWorkerDeps {
  store: OutboxStore;
  sender: TelegramSender;
  topics: TopicManager;
  fans: FanDirectory;
  pauses: PauseStore;
  alerts: AlertSink;
  logger: Logger;
  metrics: RuntimeMetrics;
  adminChatId: number;
  /** Every admin group, the primary first (ADMIN_CHAT_IDS); absent: the primary only. */
  adminChatIds?: readonly number[];
  /** The admin group's availability: a lost group pauses its lane instead of dropping jobs. */
  groupAccess?: GroupAvailability;
  /** SQLite: the only instance, so every `sending` row at startup is orphaned. */
  singleInstance: boolean;
  workerId?: string;
  /** Calls in flight at once (different lanes). */
  concurrency?: number;
  /** A claimed job not finished after this long is recovered by another worker. */
  leaseMs?: number;
  /** How often to look for work when nothing woke the worker (a safety net). */
  idlePollMs?: number;
  /** How often persisted pauses (from other instances) are reloaded. */
  pauseRefreshMs?: number;
  random?: () => number;
  /**
   * Closes jobs that end without delivery together with what follows (a paid relay's refund
   * and the fan's notice, a Resend offer), in one transaction. Without it the store's
   * `finish` only closes them.
   */
  closeUndelivered?: (jobs: readonly OutboxJob[], close: UndeliveredClose) => Promise<unknown>;
  /**
   * Told after jobs were delivered, with the message id Telegram returned for each (relay
   * links, receipts). Runs after markSent; its failures are logged and change nothing.
   */
  onDelivered?: (
    jobs: readonly OutboxJob[],
    messageIds: readonly (number | null)[],
  ) => Promise<void>;
}

/** Every admin group the worker sends into, the primary first. */
export function adminGroupsOf(
  deps: Pick<OutboxWorkerDeps, 'adminChatId' | 'adminChatIds'>,
): number[] {
  return [...new Set([deps.adminChatId, ...(deps.adminChatIds ?? [])])];
}

/** One call in flight: the jobs it carries and where it stands with the chat's budget. */
export interface Dispatch {
  jobs: OutboxJob[];
  chatId: number;
  /** Budget taken (or no longer needed): the job no longer waits for the chat's window. */
  acquired: boolean;
  /**
   * Jobs may wait behind it in its lane (the claim said so, or one was enqueued there since):
   * its settle looks for work. False: the lane has nothing queued, the settle claims nothing.
   */
  more: boolean;
  promise: Promise<void>;
}
