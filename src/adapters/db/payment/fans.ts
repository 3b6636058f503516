/** The fan's payment side of `users`: account, Stripe customer, saved card, frozen flag. */
import type { Knex } from 'knex';
import type { SavedCard } from '../../../core/payments/ports.js';
import { toInt } from '../rows.js';
import { toFanAccount } from './mapping.js';
import type { DbPaymentStore } from './types.js';

type FanAccounts = Pick<
  DbPaymentStore,
  | 'fan'
  | 'ensureFan'
  | 'fanByCustomer'
  | 'setCustomer'
  | 'setSavedCard'
  | 'forgetSavedCard'
  | 'setFrozen'
>;

/** Builds the fans' side of the payment store over `db`. */
export function createFanAccounts(db: Knex): FanAccounts {
  return {
    async fan(fanId, tx) {
      const row = (await (tx ?? db)('users').where('id', fanId).first()) as
        Record<string, unknown> | undefined;
      return row ? toFanAccount(row) : null;
    },

    async ensureFan(fanId, tx, profile) {
      await tx('users')
        .insert({
          id: fanId,
          first_name: profile?.firstName ?? null,
          last_name: profile?.lastName ?? null,
          username: profile?.username ?? null,
          language_code: profile?.languageCode ?? null,
        })
        .onConflict('id')
        .ignore();
    },

    async fanByCustomer(customerId, tx) {
      const row = (await (tx ?? db)('users')
        .where('stripe_customer_id', customerId)
        .first('id')) as { id: number } | undefined;
      return row ? toInt(row.id) : null;
    },

    async setCustomer(fanId, customerId) {
      await db('users')
        .where('id', fanId)
        .whereNull('stripe_customer_id')
        .update({ stripe_customer_id: customerId, updated_at: new Date() });
      const row = (await db('users').where('id', fanId).first('stripe_customer_id')) as
        { stripe_customer_id: string | null } | undefined;
      return row?.stripe_customer_id ?? customerId;
    },

    async forgetSavedCard(fanId, paymentMethodId, tx) {
      const changed = await tx('users')
        .where({ id: fanId, saved_payment_method_id: paymentMethodId })
        .update({
          saved_payment_method_id: null,
          saved_card_brand: null,
          saved_card_last4: null,
          updated_at: new Date(),
        });
      return changed > 0;
    },

    async setSavedCard(fanId, card: SavedCard, tx) {
      await (tx ?? db)('users')
        .where('id', fanId)
        .update({
          saved_payment_method_id: card.paymentMethodId,
          saved_card_brand: card.brand?.slice(0, 32) ?? null,
          saved_card_last4: card.last4?.slice(0, 4) ?? null,
          auto_recharge_payment_method_id: card.paymentMethodId,
          updated_at: new Date(),
        });
    },

    async setFrozen(fanId, frozen, tx) {
      await tx('users').where('id', fanId).update({ is_frozen: frozen, updated_at: new Date() });
    },
  };
}
