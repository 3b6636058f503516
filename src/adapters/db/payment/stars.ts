/**
 * Telegram Stars bookkeeping beside the `transactions` rows: Star subscriptions (one
 * `star_subscriptions` row per fan and invoice payload, renewals move its end on) and the
 * sweep of Stars invoices never paid.
 */
import type { Knex } from 'knex';
import type { LapsedStarsSubscription } from '../../../core/payments/events.js';
import type { StarsUpkeepStore } from '../../../core/payments/ports.js';
import { toInt, toRequiredDate } from '../rows.js';
import type { DbPaymentStore } from './types.js';

type StarsSubscriptions = Pick<DbPaymentStore, 'recordStarsSubscription' | 'endStarsSubscription'>;

/** Star subscriptions, written inside the payment event's transaction. */
export function createStarsSubscriptions(): StarsSubscriptions {
  return {
    async recordStarsSubscription(payment, tx) {
      const now = new Date();
      await tx('star_subscriptions')
        .insert({
          user_id: payment.fanId,
          product_id: payment.productId,
          invoice_payload: payment.payload,
          first_charge_id: payment.chargeId,
          last_charge_id: payment.chargeId,
          stars: payment.stars,
          expires_at: payment.expiresAt,
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .onConflict(['user_id', 'invoice_payload'])
        .ignore();
      // A renewal (or a payment reconciled out of order): the end only moves on.
      await tx('star_subscriptions')
        .where({ user_id: payment.fanId, invoice_payload: payment.payload })
        .where('expires_at', '<', payment.expiresAt)
        .update({
          last_charge_id: payment.chargeId,
          stars: payment.stars,
          expires_at: payment.expiresAt,
          status: 'active',
          updated_at: now,
        });
    },

    async endStarsSubscription(end, tx) {
      const query = tx('star_subscriptions');
      if (end.status === 'refunded') query.where('last_charge_id', end.chargeId);
      else query.where({ id: end.id, status: 'active' }).where('expires_at', end.expiresAt);
      const changed = await query
        .whereNot('status', end.status)
        .update({ status: end.status, updated_at: new Date() });
      return changed > 0;
    },
  };
}

/** The upkeep job's reads and sweeps. */
export function createStarsUpkeepStore(db: Knex): StarsUpkeepStore {
  return {
    async lapsedStarsSubscriptions(before, limit) {
      const rows = (await db('star_subscriptions')
        .where('status', 'active')
        .where('expires_at', '<', before)
        .orderBy('expires_at')
        .limit(limit)) as Record<string, unknown>[];
      return rows.map((row): LapsedStarsSubscription => ({
        id: toInt(row.id),
        fanId: toInt(row.user_id),
        productId: row.product_id === null ? null : toInt(row.product_id),
        stars: toInt(row.stars),
        expiresAt: toRequiredDate(row.expires_at),
      }));
    },

    async expireStarsInvoices(before) {
      return db('transactions')
        .where({ source: 'stars', status: 'pending' })
        .where('created_at', '<', before)
        .update({ status: 'expired', updated_at: new Date() });
    },
  };
}
