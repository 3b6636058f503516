/** Charging a fan's saved card without the fan (quick-buy confirm, auto-recharge). */
import { describeAmount, type LocalProduct } from '../../catalog.js';
import { stripeIdempotencyKey } from '../install.js';
import type { ChargeOutcome, PaymentFan } from '../ports.js';
import { purchaseMetadata, type CommandContext } from './context.js';

/** Our rows behind a charge: the quick-buy payment row, or the auto-recharge attempt. */
export interface ChargeRows {
  paymentId: number | null;
  attemptId: number | null;
}

/**
 * One off-session PaymentIntent keyed `<install>-<idempotencyKey>` (unless the key already
 * starts with the install id); the fan must have a customer and a card.
 */
export function chargeSavedCard<Tx>(
  ctx: CommandContext<Tx>,
  acct: PaymentFan,
  product: LocalProduct,
  rows: ChargeRows,
  idempotencyKey: string,
): Promise<ChargeOutcome> {
  return ctx.gateway.chargeOffSession({
    customerId: acct.stripeCustomerId!,
    paymentMethodId: acct.savedCard!.paymentMethodId,
    amountCents: product.priceCents,
    currency: product.currency,
    description: `${product.label} (${describeAmount(product.type, product.amount)})`,
    metadata: purchaseMetadata(ctx, {
      fanId: acct.id,
      productId: product.id,
      productType: product.type,
      productAmount: product.amount,
      productLabel: product.label,
      source: rows.attemptId !== null ? 'auto_recharge' : 'quick_buy',
      attemptId: rows.attemptId,
      paymentId: rows.paymentId,
    }),
    // Every key carries the install id (attempt keys are made with it by the store).
    idempotencyKey: idempotencyKey.startsWith(`${ctx.installId}-`)
      ? idempotencyKey
      : stripeIdempotencyKey(ctx.installId, idempotencyKey),
  });
}

/** True when the bank wants the fan present: the payment must be completed on-session. */
export function needsAuthentication(outcome: ChargeOutcome): boolean {
  if (outcome.status === 'requires_action') return true;
  return (
    outcome.status === 'declined' &&
    (outcome.failure.code === 'authentication_required' ||
      outcome.failure.declineCode === 'authentication_required')
  );
}
