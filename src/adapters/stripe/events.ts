/**
 * Stripe events → the payment rules' view (src/core/payments/events.ts). Only the fields
 * premiumbot relies on are validated (zod, loose objects), so Stripe adding fields never
 * breaks the webhook; a payload missing a needed field is rejected as malformed.
 */
import { z } from 'zod';
import type {
  ChargeFacts,
  CheckoutSessionFacts,
  DisputeFacts,
  PaymentEvent,
  PaymentFailure,
  PaymentIntentFacts,
  PaymentMethodFacts,
  ReceivedEvent,
} from '../../core/payments/events.js';
import { installOf } from '../../core/payments/install.js';
import { decodePurchase } from '../../core/payments/metadata.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';
import { STRIPE_EVENTS } from './webhook-endpoint.js';

/** An id field that may be expanded into an object. */
const ref = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === 'string' ? v : v.id));

const metadata = z.record(z.string(), z.string()).nullish();

const envelopeSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().optional(), metadata }),
    previous_attributes: z.looseObject({}).optional(),
  }),
});

const sessionSchema = z.looseObject({
  id: z.string(),
  payment_intent: ref,
  customer: ref,
  payment_status: z.string(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullish(),
  metadata,
});

const failureSchema = z
  .looseObject({
    code: z.string().nullish(),
    decline_code: z.string().nullish(),
    message: z.string().nullish(),
  })
  .nullish();

const intentSchema = z.looseObject({
  id: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int().nullish(),
  currency: z.string(),
  customer: ref,
  latest_charge: ref,
  metadata,
  last_payment_error: failureSchema,
});

const chargeSchema = z.looseObject({
  id: z.string(),
  payment_intent: ref,
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  metadata,
  refunds: z
    .looseObject({
      data: z.array(
        z.looseObject({
          id: z.string(),
          amount: z.number().int(),
          status: z.string().nullish(),
          created: z.number().int().optional(),
        }),
      ),
      has_more: z.boolean().optional(),
    })
    .nullish(),
});

const refundSchema = z.looseObject({
  id: z.string(),
  charge: ref,
  payment_intent: ref,
  amount: z.number().int(),
  currency: z.string(),
  status: z.string().nullish(),
});

const disputeSchema = z.looseObject({
  id: z.string(),
  charge: ref,
  payment_intent: ref,
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string().nullish(),
  status: z.string(),
});

const paymentMethodSchema = z.looseObject({
  id: z.string(),
  customer: ref,
  card: z.looseObject({ brand: z.string().nullish(), last4: z.string().nullish() }).nullish(),
});

/** A Stripe payload that is not an event premiumbot can read. */
export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new MalformedEventError(
      `Malformed ${what}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    );
  }
  return result.data;
}

function session(object: unknown): CheckoutSessionFacts {
  const s = parse(sessionSchema, object, 'checkout session');
  return {
    sessionId: s.id,
    paymentIntentId: s.payment_intent,
    customerId: s.customer,
    paymentStatus: s.payment_status,
    amountTotal: s.amount_total ?? 0,
    currency: s.currency ?? 'usd',
    purchase: decodePurchase(s.metadata, s.client_reference_id),
  };
}

function failureOf(error: z.output<typeof failureSchema> | undefined): PaymentFailure | null {
  if (!error) return null;
  return {
    code: error.code ?? null,
    declineCode: error.decline_code ?? null,
    message: error.message ?? null,
  };
}

function intent(object: unknown): PaymentIntentFacts {
  const pi = parse(intentSchema, object, 'payment intent');
  return {
    paymentIntentId: pi.id,
    customerId: pi.customer,
    amount: pi.amount,
    amountReceived: pi.amount_received ?? 0,
    currency: pi.currency,
    chargeId: pi.latest_charge,
    purchase: decodePurchase(pi.metadata),
    failure: failureOf(pi.last_payment_error),
  };
}

/** A Charge (from an event, or retrieved with `expand[]=refunds`) as the rules see it. */
export function chargeFacts(object: unknown): ChargeFacts {
  const c = parse(chargeSchema, object, 'charge');
  // Stripe lists refunds newest first; the rules want them oldest first. A truncated list
  // (has_more) is not trusted: the refunds are read from Stripe instead.
  const refunds =
    c.refunds && !c.refunds.has_more
      ? [...c.refunds.data].reverse().map((r) => ({
          refundId: r.id,
          amount: r.amount,
          status: r.status ?? 'succeeded',
        }))
      : null;
  return {
    chargeId: c.id,
    paymentIntentId: c.payment_intent,
    amount: c.amount,
    amountRefunded: c.amount_refunded,
    currency: c.currency,
    refunds,
    purchase: decodePurchase(c.metadata),
  };
}

/** `charge.refund.updated`: the charge its refund names; its refunds are read from Stripe. */
function refundUpdate(object: unknown): ChargeFacts {
  const r = parse(refundSchema, object, 'refund');
  if (!r.charge) throw new MalformedEventError('Malformed refund: charge: missing');
  return {
    chargeId: r.charge,
    paymentIntentId: r.payment_intent,
    amount: 0,
    amountRefunded: 0,
    currency: r.currency,
    refunds: null,
    purchase: null,
  };
}

function dispute(object: unknown): DisputeFacts {
  const d = parse(disputeSchema, object, 'dispute');
  return {
    disputeId: d.id,
    chargeId: d.charge ?? '',
    paymentIntentId: d.payment_intent,
    amount: d.amount,
    currency: d.currency,
    reason: d.reason ?? 'unknown',
    status: d.status,
  };
}

function paymentMethod(object: unknown): PaymentMethodFacts {
  const pm = parse(paymentMethodSchema, object, 'payment method');
  return {
    paymentMethodId: pm.id,
    customerId: pm.customer,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? null,
  };
}

/**
 * A detached card: the event's object no longer names the customer, its previous
 * attributes do.
 */
function detachedMethod(object: unknown, previous: unknown): PaymentMethodFacts {
  const pm = paymentMethod(object);
  const before = parse(z.looseObject({ customer: ref }), previous ?? {}, 'previous attributes');
  return { ...pm, customerId: pm.customerId ?? before.customer ?? null };
}

/** Stripe event type → the payment event it becomes (types not listed are recorded only). */
const PAYMENT_EVENTS: Record<string, (object: unknown, previous: unknown) => PaymentEvent> = {
  'checkout.session.completed': (o) => ({ kind: 'checkout.completed', session: session(o) }),
  'checkout.session.async_payment_succeeded': (o) => ({
    kind: 'checkout.async_succeeded',
    session: session(o),
  }),
  'checkout.session.async_payment_failed': (o) => ({
    kind: 'checkout.async_failed',
    session: session(o),
  }),
  'payment_intent.succeeded': (o) => ({ kind: 'intent.succeeded', intent: intent(o) }),
  'payment_intent.payment_failed': (o) => ({ kind: 'intent.failed', intent: intent(o) }),
  'payment_method.attached': (o) => ({ kind: 'card.attached', method: paymentMethod(o) }),
  'payment_method.detached': (o, previous) => ({
    kind: 'card.detached',
    method: detachedMethod(o, previous),
  }),
  'charge.refunded': (o) => ({ kind: 'charge.refunded', charge: chargeFacts(o) }),
  'charge.refund.updated': (o) => ({ kind: 'refund.updated', charge: refundUpdate(o) }),
  'charge.dispute.created': (o) => ({ kind: 'dispute.created', dispute: dispute(o) }),
  'charge.dispute.closed': (o) => ({ kind: 'dispute.closed', dispute: dispute(o) }),
};

function toPaymentEvent(type: string, object: unknown, previous: unknown): PaymentEvent | null {
  const toEvent = Object.hasOwn(PAYMENT_EVENTS, type) ? PAYMENT_EVENTS[type] : undefined;
  return toEvent ? toEvent(object, previous) : null;
}

/** Reads a verified webhook payload (or a listed event); throws MalformedEventError. */
export function parseStripeEvent(payload: unknown): ReceivedEvent {
  const envelope = parse(envelopeSchema, payload, 'event');
  return {
    id: envelope.id,
    type: envelope.type,
    objectId: envelope.data.object.id ?? null,
    created: envelope.created,
    installId: installOf(envelope.data.object.metadata),
    event: toPaymentEvent(envelope.type, envelope.data.object, envelope.data.previous_attributes),
  };
}

/** Every handled event created at or after `sinceUnix`, oldest first (for reconcile). */
export async function listHandledEvents(
  stripe: StripeClient,
  sinceUnix: number,
): Promise<unknown[]> {
  const events: unknown[] = [];
  try {
    for await (const event of stripe.events.list({
      created: { gte: sinceUnix },
      types: [...STRIPE_EVENTS],
      limit: 100,
    })) {
      events.push(event);
    }
  } catch (cause) {
    throw stripeFailure('listing events', cause);
  }
  return events.reverse();
}
