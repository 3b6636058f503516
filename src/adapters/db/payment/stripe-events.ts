import type { Knex } from 'knex';
import type { EventEnvelope } from '../../../core/payments/ports.js';
import type { DbPaymentStore } from './types.js';

type StripeEventLog = Pick<
  DbPaymentStore,
  'claimEvent' | 'recordEventFailure' | 'isEventProcessed'
>;

/** Processed Stripe events: each is applied once, failures are counted for a retry. */
export function createStripeEventLog(db: Knex): StripeEventLog {
  return {
    async claimEvent(tx, event) {
      const now = new Date();
      await tx('stripe_events')
        .insert({ id: event.id, type: event.type, object_id: event.objectId, received_at: now })
        .onConflict('id')
        .ignore();
      // The row lock taken here makes a concurrent delivery of the same event wait, then see it processed.
      const claimed = await tx('stripe_events')
        .where('id', event.id)
        .whereNull('processed_at')
        .update({ processed_at: now, last_error: null });
      return claimed > 0;
    },

    async recordEventFailure(event: EventEnvelope, error: string) {
      // RETURNING reads the count this very update wrote, so concurrent failures each see their own.
      const rows = (await db('stripe_events')
        .insert({
          id: event.id,
          type: event.type,
          object_id: event.objectId,
          received_at: new Date(),
          attempts: 1,
          last_error: error,
        })
        .onConflict('id')
        .merge({ attempts: db.raw('stripe_events.attempts + 1'), last_error: error })
        .returning('attempts')) as Array<{ attempts: number | string }>;
      return Number(rows[0]?.attempts ?? 1);
    },

    async isEventProcessed(id) {
      const row = (await db('stripe_events').where('id', id).first('processed_at')) as
        { processed_at: unknown } | undefined;
      return row !== undefined && row.processed_at !== null;
    },
  };
}
