/**
 * The PaymentRefunds port (core/fan-admin.ts) over stripe-node: /users' "refund the last
 * payment" creates a real Stripe Refund of the PaymentIntent. Nothing is granted or taken
 * here: Stripe's `charge.refunded` event takes the credits back through the same handler as
 * any refund. The idempotency key is the install's, the payment's and what it had refunded
 * before, so a double tap or a retry after a lost answer makes one Refund.
 */
import { INSTALL_METADATA_KEY, stripeIdempotencyKey } from '../../core/payments/install.js';
import type { PaymentRefunds } from '../../core/fan-admin.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';

export function createStripeRefunds(stripe: StripeClient, installId: string): PaymentRefunds {
  return {
    async refund(request) {
      const key = stripeIdempotencyKey(
        installId,
        'panel_refund',
        request.paymentId,
        request.refundedBeforeCents,
      );
      try {
        const refund = await stripe.refunds.create(
          {
            payment_intent: request.paymentIntentId,
            amount: request.amountCents,
            reason: 'requested_by_customer',
            metadata: {
              [INSTALL_METADATA_KEY]: installId,
              premiumbot_fan_id: String(request.fanId),
              premiumbot_admin_id: String(request.actorId),
            },
          },
          { idempotencyKey: key },
        );
        // The same key again (a second tap before Stripe's event landed): Stripe answers with
        // the Refund it made the first time and says so.
        const replayed = refund.lastResponse?.headers?.['idempotent-replayed'] === 'true';
        return { refundId: refund.id, status: refund.status ?? 'pending', replayed };
      } catch (cause) {
        throw stripeFailure(`refunding payment ${request.paymentId}`, cause);
      }
    },
  };
}
