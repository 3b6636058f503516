/**
 * Refund and dispute events get the charge as Stripe has it now, read before the event's
 * transaction (no Stripe call happens inside one): every refund with its status, so each is
 * keyed by its Refund id whatever the payload listed, and what premiumbot wrote on the charge,
 * so a dispute about a charge premiumbot never made is told apart from one that is early.
 */
import type { Logger } from '../logger.js';
import type { ChargeFacts, PaymentEvent, ReceivedEvent } from './events.js';
import type { PaymentGateway } from './ports.js';
import type { PaymentProcessor } from './processor.js';

/** Wraps `processor` so refund and dispute events carry the charge read from Stripe. */
export function withChargeLookup(
  processor: PaymentProcessor,
  gateway: Pick<PaymentGateway, 'retrieveCharge'>,
  logger: Logger,
): PaymentProcessor {
  return {
    async process(received) {
      return processor.process(await withCharge(received, gateway, logger));
    },
  };
}

async function withCharge(
  received: ReceivedEvent,
  gateway: Pick<PaymentGateway, 'retrieveCharge'>,
  logger: Logger,
): Promise<ReceivedEvent> {
  const event = received.event;
  const chargeId = chargeOf(event);
  if (!event || !chargeId) return received;
  const charge = await gateway.retrieveCharge(chargeId);
  if (!charge) return received;
  if (charge.purchase === null) {
    logger.warn(
      { event: received.id, type: received.type, charge: chargeId },
      'a refund or dispute about a charge premiumbot did not make',
    );
  }
  return { ...received, event: enrich(event, charge) };
}

/** The charge a refund or dispute event is about; null for other events. */
function chargeOf(event: PaymentEvent | null): string | null {
  if (!event) return null;
  if (event.kind === 'charge.refunded' || event.kind === 'refund.updated') {
    return event.charge.chargeId;
  }
  if (event.kind === 'dispute.created' || event.kind === 'dispute.closed') {
    return event.dispute.chargeId || null;
  }
  return null;
}

function enrich(event: PaymentEvent, charge: ChargeFacts): PaymentEvent {
  if (event.kind === 'charge.refunded' || event.kind === 'refund.updated') {
    return { ...event, charge };
  }
  if (event.kind === 'dispute.created' || event.kind === 'dispute.closed') {
    return { ...event, dispute: { ...event.dispute, purchase: charge.purchase } };
  }
  return event;
}
