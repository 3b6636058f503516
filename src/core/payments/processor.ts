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
import type { ReceivedEvent } from './events.js';
import { applyPaymentEvent, type HandlerContext } from './handlers/index.js';
import type { PaymentSettings, PaymentStore } from './ports.js';

export { RetryLaterError } from './retry-later.js';

export type ProcessResult = 'processed' | 'duplicate';

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
      // Fast path for redeliveries: no transaction, one indexed read. The claim inside the
      // transaction below stays the real guard.
      if (await store.isEventProcessed(received.id)) return 'duplicate';
      // Settings are read before the transaction: SQLite has a single connection.
      const [thresholds, receipts, maxFailures] = await Promise.all([
        deps.settings.tierThresholds(),
        deps.settings.receiptsEnabled(),
        deps.settings.maxRechargeFailures(),
      ]);
      try {
        return await store.transaction(async (tx) => {
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
          };
          if (received.event) await applyPaymentEvent(ctx, received.event);
          if (ctx.jobs.length > 0) await store.enqueue(ctx.jobs, tx);
          return 'processed' as const;
        });
      } catch (err) {
        await store.recordEventFailure(envelope, errorText(err)).catch((recordErr: unknown) => {
          deps.logger.error({ err: recordErr, event: received.id }, 'could not record a failure');
        });
        throw err;
      }
    },
  };
}
