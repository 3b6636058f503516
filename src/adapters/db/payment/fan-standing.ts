/** What a fan's payments say about them: disputes that freeze, net spend and the tier it earns. */
import { tierFor } from '../../../core/tiers.js';
import { toInt } from '../rows.js';
import type { DbPaymentStore } from './types.js';

/** Spend that counts for tiers and the dashboard (same expression as `user_dashboard`). */
const NET_SPEND_SQL = `COALESCE(SUM(amount_paid_usd_cents - amount_refunded_cents), 0)`;

/**
 * Builds the fan-standing side of the payment store (always inside the caller's transaction);
 * spend counts the payments in `currency` (the install's CURRENCY) only.
 */
export function createFanStanding(
  currency: string,
): Pick<DbPaymentStore, 'hasOtherFreezingDispute' | 'refreshSpend'> {
  return {
    async hasOtherFreezingDispute(fanId, exceptPaymentId, tx) {
      const row = (await tx('transactions')
        .where('user_id', fanId)
        .whereIn('dispute_status', ['open', 'lost'])
        .whereNot('id', exceptPaymentId)
        .first('id')) as { id: number } | undefined;
      return row !== undefined;
    },

    async refreshSpend(fanId, thresholds, tx) {
      const row = (await tx('transactions')
        .where('user_id', fanId)
        .whereIn('status', ['paid', 'partially_refunded'])
        .where('currency', currency)
        .where((q) => q.whereNull('dispute_status').orWhereNot('dispute_status', 'lost'))
        .first(tx.raw(`${NET_SPEND_SQL} AS total`))) as { total: unknown } | undefined;
      const totalSpentCents = toInt(row?.total);
      // A tier set by hand in /users (tier_override) wins over the spend rule until reset.
      await tx('users')
        .where('id', fanId)
        .update({
          total_spent_cents: totalSpentCents,
          tier: tx.raw('COALESCE(tier_override, ?)', [tierFor(totalSpentCents, thresholds)]),
          updated_at: new Date(),
        });
      const stored = (await tx('users').where('id', fanId).first('tier')) as
        { tier: string } | undefined;
      return { totalSpentCents, currency, tier: stored?.tier ?? 'new' };
    },
  };
}
