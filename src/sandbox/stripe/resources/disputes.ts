import { SimulatorControlError } from '../control-error.js';
import { listWhere } from '../listing.js';
import { buildDispute, type ChargeObject, type DisputeObject } from '../objects/index.js';
import { endpoint, pagination, rangeFilter, str } from '../params.js';
import { retrieveRoute, route } from '../route.js';
import { previousOf, type Sim } from '../sim.js';

export interface OpenDisputeOptions {
  reason?: string;
  amount?: number;
}

/** The fan's bank disputes `chargeId`: a Dispute `needs_response` and `charge.dispute.created`. */
export function openDispute(
  sim: Sim,
  chargeId: string,
  options: OpenDisputeOptions = {},
): DisputeObject {
  const charge = sim.store.find<ChargeObject>('charge', chargeId);
  if (!charge) throw new SimulatorControlError(`No such charge: '${chargeId}'`, 404);
  if (charge.status !== 'succeeded')
    throw new SimulatorControlError(`Charge ${chargeId} did not succeed; it cannot be disputed.`);
  if (charge.disputed)
    throw new SimulatorControlError(`Charge ${chargeId} is already disputed.`, 409);
  const dispute = sim.store.insert(
    buildDispute(
      sim.clock.now(),
      charge,
      options.amount ?? charge.amount,
      options.reason ?? 'fraudulent',
    ),
  );
  charge.disputed = true;
  sim.emit('charge.dispute.created', dispute, { request: null });
  return dispute;
}

/** Closes a dispute as `won` or `lost` and emits `charge.dispute.closed`. */
export function closeDispute(sim: Sim, disputeId: string, outcome: 'won' | 'lost'): DisputeObject {
  const dispute = sim.store.find<DisputeObject>('dispute', disputeId);
  if (!dispute) throw new SimulatorControlError(`No such dispute: '${disputeId}'`, 404);
  if (dispute.status === 'won' || dispute.status === 'lost') {
    throw new SimulatorControlError(
      `Dispute ${disputeId} is already closed (${dispute.status}).`,
      409,
    );
  }
  const previous = previousOf(dispute, ['status']);
  dispute.status = outcome;
  sim.emit('charge.dispute.closed', dispute, { previous, request: null });
  return dispute;
}

export const disputeRoutes = [
  retrieveRoute('dispute', '/v1/disputes/:id'),
  route(
    'GET',
    '/v1/disputes',
    endpoint({
      ...pagination,
      charge: str.optional(),
      payment_intent: str.optional(),
      created: rangeFilter.optional(),
    }),
    ({ sim, params }) =>
      listWhere(sim, 'dispute', '/v1/disputes', params, ['charge', 'payment_intent']),
  ),
];
