/**
 * Applies Stripe events exactly once. Each event is recorded and its effects applied in ONE
 * database transaction: the ledger movement, the `transactions` row, the tier, and the
 * receipts and notes persisted in the outbox. A failed handler rolls everything back, so the
 * event stays unprocessed and Stripe's retry applies it. The handlers, one per event kind,
 * are listed in `handlers/index.ts`.
 */
import type { LedgerStore } from '../ledger.js';
import type { Logger } from '../logger.js';
import type { MessageCatalog } from '../templates.js';
import { PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';
import type { ReceivedEvent } from './events.js';
import type { ContentPaymentPort } from './handlers/context.js';
import { applyPaymentEvent, type HandlerContext } from './handlers/index.js';
import { isForeignInstall } from './install.js';
import type { EventEnvelope, PaymentSettings, PaymentStore } from './ports.js';

export { RetryLaterError } from './retry-later.js';

/** `foreign`: the event is about another install's object; acknowledged, nothing applied. */
export type ProcessResult = 'processed' | 'duplicate' | 'foreign';

/** Failed attempts of one event after which the owners are alerted (once per event). */
export const STUCK_EVENT_ATTEMPTS = 5;

export interface PaymentProcessorDeps<Tx> {
  store: PaymentStore<Tx>;
  ledger: LedgerStore<Tx>;
  settings: PaymentSettings;
  /** The admin group (sale notes go to the fan's topic); without it, topic notes are skipped. */
  adminChatId?: number;
  /** Owners get dispute alerts in private. */
  ownerIds: readonly number[];
  logger: Logger;
  /** Receipts and notices are `payment.*` templates, in the fan's language. */
  templates: MessageCatalog;
  /** The language of the team's notes and alerts (default en). */
  adminLanguage?: string;
  /** This install's id: events whose object names another install are skipped. */
  installId: string;
  /**
   * Told after the commit which fans an event touched (every fan it queued a receipt, note
   * or alert for), so their pinned cards are refreshed (coalesced by the card service).
   */
  onFansChanged?: (fanIds: readonly number[]) => void;
  /** The vault: a Checkout for a vault item delivers it (absent: not wired). */
  content?: ContentPaymentPort<Tx>;
  /** The time of day (a refunded pass's unused rest); the system's when absent. */
  now?: () => Date;
}

export interface PaymentProcessor {
  /** Records and applies one event; throws (nothing applied) when its handler fails. */
  process(received: ReceivedEvent): Promise<ProcessResult>;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/** Builds the processor over its ports. */
export function createPaymentProcessor<Tx>(deps: PaymentProcessorDeps<Tx>): PaymentProcessor {
  const { store, ledger, adminChatId, ownerIds, templates } = deps;
  const team = templates.forLanguage(deps.adminLanguage ?? 'en');
  return {
    async process(received) {
      const envelope = { id: received.id, type: received.type, objectId: received.objectId };
      if (isForeignInstall(received.installId, deps.installId)) {
        deps.logger.debug(
          { event: received.id, type: received.type, install: received.installId },
          'stripe event of another install: skipped',
        );
        return 'foreign';
      }
      // Fast path for redeliveries: no transaction, one indexed read. The claim inside the
      // transaction below stays the real guard.
      if (await store.isEventProcessed(received.id)) return 'duplicate';
      // Settings are read before the transaction: SQLite has a single connection.
      const [thresholds, receipts, maxFailures] = await Promise.all([
        deps.settings.tierThresholds(),
        deps.settings.receiptsEnabled(),
        deps.settings.maxRechargeFailures(),
      ]);
      let touched: readonly number[] = [];
      try {
        const result = await store.transaction(async (tx) => {
          if (!(await store.claimEvent(tx, envelope))) return 'duplicate' as const;
          const ctx: HandlerContext<Tx> = {
            store,
            ledger,
            adminChatId,
            ownerIds,
            tx,
            jobs: [],
            thresholds,
            receipts,
            maxFailures,
            templates,
            team,
            content: deps.content,
            now: deps.now ?? (() => new Date()),
          };
          if (received.event) await applyPaymentEvent(ctx, received.event);
          if (ctx.jobs.length > 0) await store.enqueue(ctx.jobs, tx);
          touched = fansOf(ctx.jobs);
          return 'processed' as const;
        });
        if (touched.length > 0) deps.onFansChanged?.(touched);
        return result;
      } catch (err) {
        await recordFailure(deps, team, envelope, errorText(err));
        throw err;
      }
    },
  };
}

/** The fans an event's jobs are about. */
function fansOf(jobs: readonly NewOutboxJob[]): number[] {
  const ids = new Set<number>();
  for (const job of jobs) if (job.fanId !== undefined) ids.add(job.fanId);
  return [...ids];
}

/**
 * Counts a failed attempt; the attempt that reaches STUCK_EVENT_ATTEMPTS alerts the owners
 * (the dedupe key keeps it to one alert per event, whatever happens afterwards).
 */
async function recordFailure<Tx>(
  deps: PaymentProcessorDeps<Tx>,
  team: ReturnType<MessageCatalog['forLanguage']>,
  envelope: EventEnvelope,
  error: string,
): Promise<void> {
  try {
    const attempts = await deps.store.recordEventFailure(envelope, error);
    if (attempts !== STUCK_EVENT_ATTEMPTS) return;
    const text = team('payment.note.event_stuck', {
      event_id: envelope.id,
      type: envelope.type,
      attempts,
      error: error.slice(0, 200),
    });
    const jobs: NewOutboxJob[] = deps.ownerIds.map((owner) => ({
      kind: 'alert',
      target: { type: 'chat', chatId: owner },
      method: 'sendMessage',
      params: { text },
      priority: PRIORITY.alert,
      dedupeKey: `stripe_stuck:${envelope.id}:${owner}`,
    }));
    if (jobs.length > 0) await deps.store.enqueue(jobs);
    deps.logger.error({ event: envelope.id, attempts }, 'stripe event stuck: owners alerted');
  } catch (recordErr) {
    deps.logger.error({ err: recordErr, event: envelope.id }, 'could not record a failure');
  }
}
