/** Auto-recharge: the fan's settings, and one attempt in flight per fan at most. */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AutoRechargeSettings } from '../../../core/payments/ports.js';
import { toAttempt, type AttemptRow } from './mapping.js';
import { rowLockOf } from './row-lock.js';
import type { DbPaymentStore } from './types.js';

type RechargeAttempts = Pick<
  DbPaymentStore,
  'startRechargeAttempt' | 'findAttempt' | 'updateAttempt'
>;

/** Builds the auto-recharge settings side of the payment store over `db`. */
export function createAutoRechargeSettings(db: Knex): Pick<DbPaymentStore, 'setAutoRecharge'> {
  return {
    async setAutoRecharge(fanId, patch: Partial<AutoRechargeSettings>, tx) {
      const values: Record<string, unknown> = { updated_at: new Date() };
      if (patch.enabled !== undefined) values.auto_recharge_enabled = patch.enabled;
      if (patch.productId !== undefined) values.auto_recharge_product_id = patch.productId;
      if (patch.threshold !== undefined) values.auto_recharge_threshold = patch.threshold;
      if (patch.consecutiveFailures !== undefined)
        values.auto_recharge_consecutive_failures = patch.consecutiveFailures;
      await (tx ?? db)('users').where('id', fanId).update(values);
    },
  };
}

/**
 * Builds the recharge attempts side of the payment store over `db`; attempt keys (the Stripe
 * idempotency keys) start with the install id, so installs sharing an account never collide.
 */
export function createRechargeAttempts(db: Knex, installId = 'premiumbot'): RechargeAttempts {
  const locked = rowLockOf(db);
  return {
    async startRechargeAttempt(fanId, productId, staleBefore, creditsAtMost) {
      return db.transaction(async (tx) => {
        const fan = (await locked(
          tx('users').where('id', fanId).select('message_credits'),
        ).first()) as { message_credits: unknown } | undefined;
        if (creditsAtMost !== undefined && Number(fan?.message_credits) > creditsAtMost)
          return null;
        const open = (await tx('auto_recharge_attempts')
          .where('user_id', fanId)
          .whereIn('status', ['pending', 'processing'])
          .where('created_at', '>', staleBefore)
          .first('id')) as { id: number } | undefined;
        if (open) return null;
        const now = new Date();
        const rows = (await tx('auto_recharge_attempts')
          .insert({
            user_id: fanId,
            product_id: productId,
            idempotency_key: `${installId}-recharge-${fanId}-${randomUUID()}`,
            status: 'pending',
            created_at: now,
            updated_at: now,
          })
          .returning('*')) as AttemptRow[];
        return toAttempt(rows[0]!);
      });
    },

    async findAttempt(lookup, tx) {
      const where =
        'id' in lookup ? { id: lookup.id } : { payment_intent_id: lookup.paymentIntentId };
      const row = (await (tx ?? db)('auto_recharge_attempts').where(where).first()) as
        AttemptRow | undefined;
      return row ? toAttempt(row) : null;
    },

    async updateAttempt(id, patch, tx) {
      const values: Record<string, unknown> = { updated_at: new Date() };
      if (patch.paymentIntentId !== undefined) values.payment_intent_id = patch.paymentIntentId;
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.failureCode !== undefined) values.failure_code = patch.failureCode;
      await (tx ?? db)('auto_recharge_attempts').where('id', id).update(values);
    },
  };
}
