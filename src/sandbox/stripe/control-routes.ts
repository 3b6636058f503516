import { z } from 'zod';
import { describeArgs } from '../describe-args.js';
import { SimulatorControlError } from './control-error.js';
import type { StripeSimulatorControl } from './control.js';
import type { Sim } from './sim.js';

/**
 * The `/_sim/...` control routes, in match order: one line of the table per action of
 * `StripeSimulatorControl`, with the JSON body checked against a strict schema first.
 */

/** What a control route sees: the simulator, its control surface and the parsed request. */
export interface ControlContext {
  sim: Sim;
  control: StripeSimulatorControl;
  body: unknown;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/_sim/objects/:id`; `:name` segments become `params`. */
  path: string;
  /** One line for `GET /_sim/`: what the route does. */
  about: string;
  /** The JSON body it takes (listed with an example by `GET /_sim/`). */
  body?: z.ZodType;
  /** Query parameters a read takes. */
  query?: string;
  handler: (ctx: ControlContext) => unknown;
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new SimulatorControlError(
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

const cardSchema = z
  .object({
    brand: z.string().optional(),
    last4: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    exp_month: z.number().int().optional(),
    exp_year: z.number().int().optional(),
    country: z.string().optional(),
    funding: z.string().optional(),
  })
  .strict();

const behavior = z.enum([
  'succeed',
  'card_declined',
  'insufficient_funds',
  'authentication_required',
]);

const customerSchema = z
  .object({
    email: z.string().optional(),
    name: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const paySchema = z
  .object({
    async: z.boolean().optional(),
    fail: z.union([z.boolean(), z.enum(['card_declined', 'insufficient_funds'])]).optional(),
    paymentMethod: z.string().optional(),
    saveCard: z.boolean().optional(),
    card: cardSchema.optional(),
    email: z.string().optional(),
    name: z.string().optional(),
  })
  .strict();

const disputeSchema = z
  .object({
    charge: z.string(),
    reason: z.string().optional(),
    amount: z.number().int().positive().optional(),
  })
  .strict();

const deliveryFaultsSchema = z
  .object({
    duplicate: z.number().int().nonnegative().optional(),
    concurrent: z.boolean().optional(),
    delayMs: z.number().nonnegative().optional(),
  })
  .strict();

const redeliverSchema = z
  .object({
    times: z.number().int().positive().optional(),
    concurrent: z.boolean().optional(),
    endpointId: z.string().optional(),
  })
  .strict();

const faultSchema = z
  .object({
    path: z.string().optional(),
    pathRegex: z.string().optional(),
    method: z.enum(['GET', 'POST', 'DELETE']).optional(),
    kind: z.enum(['response_lost', 'server_error']),
    status: z.number().int().min(500).max(599).optional(),
    times: z.number().int().positive().optional(),
  })
  .strict();

const clockSchema = z.object({ seconds: z.number().nonnegative() }).strict();
const cardBehaviorSchema = z.object({ target: z.string(), behavior }).strict();
const refundSchema = z
  .object({ target: z.string(), amount: z.number().int().positive().optional() })
  .strict();
const endpointSchema = z
  .object({ url: z.string(), events: z.array(z.string()).optional() })
  .strict();
const settleSchema = z.object({ succeed: z.boolean() }).strict();
const endRefundSchema = z.object({ status: z.enum(['failed', 'canceled']) }).strict();
const closeDisputeSchema = z.object({ outcome: z.enum(['won', 'lost']) }).strict();
const resumeSchema = z.object({ shuffleSeed: z.number().int().optional() }).strict();

function getObject({ control, params }: ControlContext) {
  const obj = control.get(params.id as string);
  if (!obj) throw new SimulatorControlError(`No such object: '${params.id}'`, 404);
  return obj;
}

function advanceClock({ control, body }: ControlContext) {
  const { seconds } = parse(clockSchema, body);
  control.clock.advance(seconds);
  return { now: control.clock.now() };
}

function setCardBehavior({ control, body }: ControlContext) {
  const { target, behavior: b } = parse(cardBehaviorSchema, body);
  control.setCardBehavior(target, b);
  return { target, behavior: b };
}

function refund({ control, body }: ControlContext) {
  const { target, amount } = parse(refundSchema, body);
  return control.refund(target, amount);
}

function openDispute({ control, body }: ControlContext) {
  const { charge, ...options } = parse(disputeSchema, body);
  return control.openDispute(charge, options);
}

function addEndpoint({ control, body }: ControlContext) {
  const { url, events } = parse(endpointSchema, body);
  return control.addEndpoint(url, events);
}

function setDeliveryFaults({ control, body }: ControlContext) {
  const faults = parse(deliveryFaultsSchema, body);
  control.setDeliveryFaults(faults);
  return faults;
}

function injectFault({ control, body }: ControlContext) {
  const spec = parse(faultSchema, body);
  const path = spec.pathRegex !== undefined ? new RegExp(spec.pathRegex) : spec.path;
  if (path === undefined) throw new SimulatorControlError('path or pathRegex is required');
  const { pathRegex: _ignored, ...rest } = spec;
  control.injectFault({ ...rest, path });
  return { injected: true };
}

function pauseDeliveries({ control }: ControlContext) {
  control.pauseDeliveries();
  return { paused: true };
}

async function flushDeliveries({ control }: ControlContext) {
  await control.flush();
  return { flushed: true };
}

function clearFaults({ control }: ControlContext) {
  control.clearFaults();
  return { cleared: true };
}

/** Every control route but the listing, in match order. */
const routes: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/state',
    about: 'The clock, the API version and how many objects of each type exist.',
    handler: ({ sim, control }) => ({
      now: control.clock.now(),
      api_version: sim.apiVersion,
      objects: sim.store.counts(),
      deliveries: control.deliveries().length,
    }),
  },
  {
    method: 'GET',
    path: '/_sim/objects',
    about: 'Every object of a type, newest first.',
    query:
      'type=customer|checkout.session|payment_intent|charge|refund|dispute|payment_method|product|price|event',
    handler: ({ control, query }) => control.list(query.get('type') ?? ''),
  },
  { method: 'GET', path: '/_sim/objects/:id', about: 'Any object by id.', handler: getObject },
  {
    method: 'GET',
    path: '/_sim/events',
    about: 'Every event, oldest first.',
    handler: ({ control }) => control.events(),
  },
  {
    method: 'GET',
    path: '/_sim/requests',
    about: 'Every API request received.',
    handler: ({ control }) => control.requests(),
  },
  {
    method: 'GET',
    path: '/_sim/violations',
    about: 'Requests Stripe would reject as malformed.',
    handler: ({ control }) => control.violations(),
  },
  {
    method: 'GET',
    path: '/_sim/deliveries',
    about: 'Every webhook delivery attempt and its answer.',
    handler: ({ control }) => control.deliveries(),
  },
  {
    method: 'POST',
    path: '/_sim/clock/advance',
    about: 'Moves the clock forward (expires Checkout Sessions that are due).',
    body: clockSchema,
    handler: advanceClock,
  },
  {
    method: 'POST',
    path: '/_sim/customers',
    about: 'Creates a customer.',
    body: customerSchema,
    handler: ({ control, body }) => control.createCustomer(parse(customerSchema, body)),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/pay',
    about: 'Pays a Checkout Session as the fan would (or declines, or pays by bank: async).',
    body: paySchema,
    handler: ({ control, body, params }) =>
      control.payCheckoutSession(params.id as string, parse(paySchema, body)),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/settle',
    about: 'Settles an async (bank) payment: succeeded or failed.',
    body: settleSchema,
    handler: ({ control, body, params }) =>
      control.settleAsync(params.id as string, parse(settleSchema, body).succeed),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/expire',
    about: 'Expires an open Checkout Session.',
    handler: ({ control, params }) => control.expireCheckoutSession(params.id as string),
  },
  {
    method: 'POST',
    path: '/_sim/card_behaviors',
    about: 'How a saved card (or every card of a customer) behaves on the next charge.',
    body: cardBehaviorSchema,
    handler: setCardBehavior,
  },
  {
    method: 'POST',
    path: '/_sim/customers/:id/payment_methods',
    about: 'Saves a card on a customer (payment_method.attached).',
    body: cardSchema,
    handler: ({ control, body, params }) =>
      control.attachPaymentMethod(params.id as string, parse(cardSchema, body)),
  },
  {
    method: 'POST',
    path: '/_sim/payment_methods/:id/detach',
    about: 'Removes a saved card, as from the billing portal (payment_method.detached).',
    handler: ({ control, params }) => control.detachPaymentMethod(params.id as string),
  },
  {
    method: 'POST',
    path: '/_sim/refunds',
    about: 'Refunds a charge or PaymentIntent from the Dashboard (all, or `amount`).',
    body: refundSchema,
    handler: refund,
  },
  {
    method: 'POST',
    path: '/_sim/refunds/:id/end',
    about: 'A refund that failed at the bank or was cancelled (charge.refund.updated).',
    body: endRefundSchema,
    handler: ({ control, body, params }) =>
      control.endRefund(params.id as string, parse(endRefundSchema, body).status),
  },
  {
    method: 'POST',
    path: '/_sim/disputes',
    about: 'The cardholder disputes a charge (charge.dispute.created).',
    body: disputeSchema,
    handler: openDispute,
  },
  {
    method: 'POST',
    path: '/_sim/disputes/:id/close',
    about: 'The bank decides a dispute: won or lost.',
    body: closeDisputeSchema,
    handler: ({ control, body, params }) =>
      control.closeDispute(params.id as string, parse(closeDisputeSchema, body).outcome),
  },
  {
    method: 'POST',
    path: '/_sim/webhook_endpoints',
    about: 'Registers a webhook endpoint; answers its whsec_ signing secret.',
    body: endpointSchema,
    handler: addEndpoint,
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/pause',
    about: 'Outage: webhook deliveries are held.',
    handler: pauseDeliveries,
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/resume',
    about: 'Ends the outage (a seed sends the held batch in a random order).',
    body: resumeSchema,
    handler: ({ control, body }) => ({
      resumed: control.resumeDeliveries(parse(resumeSchema, body)),
    }),
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/drop',
    about: 'Drops the deliveries waiting (as if Stripe gave up).',
    handler: ({ control }) => ({ dropped: control.dropPendingDeliveries() }),
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/flush',
    about: 'Sends what is due now and waits until nothing is in flight.',
    handler: flushDeliveries,
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/faults',
    about: 'Duplicate, concurrent or delayed deliveries from now on.',
    body: deliveryFaultsSchema,
    handler: setDeliveryFaults,
  },
  {
    method: 'POST',
    path: '/_sim/events/:id/redeliver',
    about: 'Delivers an event again (several times, concurrently if asked).',
    body: redeliverSchema,
    handler: ({ control, body, params }) => ({
      deliveries: control.redeliver(params.id as string, parse(redeliverSchema, body)),
    }),
  },
  {
    method: 'POST',
    path: '/_sim/faults',
    about: 'The next matching API requests fail (lost response or a 5xx).',
    body: faultSchema,
    handler: injectFault,
  },
  {
    method: 'DELETE',
    path: '/_sim/faults',
    about: 'Clears injected API faults.',
    handler: clearFaults,
  },
];

/** `GET /_sim/`: every route, what it does, its body and an example. */
export function describeControlRoutes(): {
  call: string;
  about: string;
  query?: string;
  args?: string;
  example?: unknown;
}[] {
  return routes.map((route) => ({
    call: `${route.method} ${route.path}`,
    about: route.about,
    ...(route.query ? { query: route.query } : {}),
    ...(route.body ? describeArgs(route.body) : {}),
  }));
}

/** Every control route, in match order. */
export const controlRoutes: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/',
    about: 'This listing.',
    handler: () => ({
      routes: [
        ...describeControlRoutes(),
        {
          call: 'GET /_sim/stream',
          about: 'Server-sent events: a `change` event at once, then after every change.',
        },
      ],
    }),
  },
  ...routes,
];
