import { formatMoney } from '../../../core/money.js';
import { SimulatorControlError } from '../control-error.js';
import { invalidParam, invalidRequest, StripeApiError } from '../errors.js';
import { listWhere } from '../listing.js';
import {
  buildRefund,
  type ChargeObject,
  type PaymentIntentObject,
  type RefundObject,
} from '../objects/index.js';
import { endpoint, int, metadata, oneOf, pagination, rangeFilter, str } from '../params.js';
import { retrieveRoute, route } from '../route.js';
import { previousOf, type Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { mergeMetadata } from './customers.js';

/** The charge a refund targets: `ch_…`, or the latest charge of a `pi_…`. */
export function chargeToRefund(sim: Sim, target: string): ChargeObject {
  if (target.startsWith('pi_')) {
    const pi = sim.store.get<PaymentIntentObject>('payment_intent', target, 'payment_intent', 400);
    const charge = pi.latest_charge
      ? sim.store.find<ChargeObject>('charge', pi.latest_charge)
      : undefined;
    if (!charge || pi.status !== 'succeeded') {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        'payment_intent',
        'charge_not_refundable',
      );
    }
    return charge;
  }
  return sim.store.get<ChargeObject>('charge', target, 'charge', 400);
}

/**
 * Refunds `amount` (default: what is left) of `charge`: a Refund, the charge's
 * `amount_refunded`/`refunded`, and the events `charge.refunded` then `refund.created`.
 */
export function refundCharge(
  sim: Sim,
  charge: ChargeObject,
  amount: number | undefined,
  fields: { reason?: string | undefined; metadata?: Record<string, string> | undefined },
  request: RequestRef | null,
): RefundObject {
  const left = charge.amount - charge.amount_refunded;
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} has not succeeded and cannot be refunded.`,
      'charge',
      'charge_not_refundable',
    );
  }
  if (left <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      'charge',
      'charge_already_refunded',
    );
  }
  const value = amount ?? left;
  const money = (minor: number) => formatMoney(minor, charge.currency, 'en');
  if (value <= 0) throw invalidParam('amount', 'Invalid positive integer');
  if (value > left) {
    throw invalidRequest(
      `Refund amount (${money(value)}) is greater than unrefunded amount on charge (${money(left)})`,
      'amount',
      'amount_too_large',
    );
  }
  const refund = sim.store.insert(
    buildRefund(sim.clock.now(), charge, value, {
      reason: fields.reason ?? null,
      metadata: mergeMetadata({}, fields.metadata),
    }),
  );
  const previous = previousOf(charge, ['amount_refunded', 'refunded', 'refunds']);
  charge.amount_refunded += value;
  charge.refunded = charge.amount_refunded >= charge.amount;
  charge.refunds = { ...charge.refunds, data: [refund, ...charge.refunds.data] };
  sim.emit('charge.refunded', charge, { previous, request });
  sim.emit('refund.created', refund, { request });
  return refund;
}

/**
 * The bank gives up on a refund (`failed`) or it is cancelled before it went out (`canceled`):
 * the money stays with the merchant, so the charge's `amount_refunded` drops back, and Stripe
 * sends `charge.refund.updated` (then `refund.updated` and, for a failure, `refund.failed`).
 */
export function endRefund(sim: Sim, refundId: string, status: 'failed' | 'canceled'): RefundObject {
  const refund = sim.store.find<RefundObject>('refund', refundId);
  if (!refund) throw new SimulatorControlError(`No such refund: '${refundId}'`, 404);
  if (refund.status === 'failed' || refund.status === 'canceled') {
    throw new SimulatorControlError(`Refund ${refundId} is already ${refund.status}.`, 409);
  }
  const charge = sim.store.get<ChargeObject>('charge', refund.charge);
  const previous = previousOf(refund, ['status']);
  refund.status = status;
  if (status === 'failed') refund.failure_reason = 'expired_or_canceled_card';
  charge.amount_refunded -= refund.amount;
  charge.refunded = charge.amount_refunded >= charge.amount;
  charge.refunds = {
    ...charge.refunds,
    data: charge.refunds.data.map((r) => (r.id === refund.id ? structuredClone(refund) : r)),
  };
  sim.emit('charge.refund.updated', refund, { previous, request: null });
  sim.emit('refund.updated', refund, { previous, request: null });
  if (status === 'failed') sim.emit('refund.failed', refund, { request: null });
  return refund;
}

/** The control-side refund: `chargeOrPi` is `ch_…` or `pi_…`. */
export function simulateRefund(sim: Sim, chargeOrPi: string, amount?: number): RefundObject {
  try {
    return refundCharge(sim, chargeToRefund(sim, chargeOrPi), amount, {}, null);
  } catch (err) {
    if (err instanceof StripeApiError)
      throw new SimulatorControlError(err.message, err.status === 404 ? 404 : 400);
    throw err;
  }
}

export const refundRoutes = [
  route(
    'POST',
    '/v1/refunds',
    endpoint({
      charge: str.optional(),
      payment_intent: str.optional(),
      amount: int.optional(),
      reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
      metadata: metadata.optional(),
      refund_application_fee: str.optional(),
      reverse_transfer: str.optional(),
      instructions_email: str.optional(),
      customer: str.optional(),
      currency: str.optional(),
      origin: oneOf(['customer_balance']).optional(),
    }),
    ({ sim, params, request }) => {
      if (!params.charge && !params.payment_intent) {
        throw invalidRequest(
          'One of the following params should be provided for this request: payment_intent or charge.',
        );
      }
      if (params.charge && params.payment_intent) {
        throw invalidRequest(
          'You may only specify one of these parameters: charge, payment_intent.',
          'payment_intent',
        );
      }
      const charge = chargeToRefund(sim, (params.charge ?? params.payment_intent) as string);
      return refundCharge(sim, charge, params.amount, params, request);
    },
  ),
  retrieveRoute('refund', '/v1/refunds/:id'),
  route(
    'GET',
    '/v1/refunds',
    endpoint({
      ...pagination,
      charge: str.optional(),
      payment_intent: str.optional(),
      created: rangeFilter.optional(),
    }),
    ({ sim, params }) =>
      listWhere(sim, 'refund', '/v1/refunds', params, ['charge', 'payment_intent']),
  ),
];
