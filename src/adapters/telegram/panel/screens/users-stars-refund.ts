/**
 * The user screen's refund of a Telegram Stars payment (the refund action hands it over):
 * `refundStarPayment`, then the purchase taken back through the payment processor, once per
 * charge (features/stars-refund.ts); the fan is told and the topic gets a note by the same
 * refund handler as Stripe's; the action is audited.
 */
import type { FanPayment } from '../../../../core/fan-admin.js';
import { formatMoney } from '../../../../core/money.js';
import { refundStars } from '../../features/stars-refund.js';
import type { ScreenContext } from '../types.js';

/** Refunds a Stars payment whole and audits it; the toast to show. */
export async function refundStarsPayment(
  ctx: ScreenContext,
  payment: FanPayment & { fanId: number },
): Promise<string> {
  const payments = ctx.deps.payments;
  if (!payments) return 'Payments are not set up on this server.';
  const chargeId = payment.chargeId!;
  const amount = formatMoney(
    payment.amountPaidCents - payment.amountRefundedCents,
    payment.currency,
    'en',
  );
  let outcome;
  try {
    outcome = await refundStars(
      { sender: ctx.deps.sender, payments, wakeOutbox: ctx.deps.wakeOutbox },
      payment.fanId,
      chargeId,
    );
  } catch (err) {
    ctx.deps.logger.warn({ err, paymentId: payment.id }, 'panel Stars refund failed');
    return `❌ Telegram did not refund ${amount}; nothing changed. See the logs.`;
  }
  if (outcome === 'already') return `Already refunded (${amount}); the credits were taken back.`;
  await ctx.panel.audit.record({
    actorId: ctx.actor.id,
    action: 'payments:refund',
    fanId: payment.fanId,
    subject: `payment #${payment.id}`,
    before: { status: payment.status, refundedCents: payment.amountRefundedCents },
    after: {
      refund: `stars:${chargeId}`,
      amountCents: payment.amountPaidCents,
      currency: payment.currency,
    },
  });
  return `💸 ${amount} refunded; the credits were taken back.`;
}
