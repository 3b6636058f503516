import { z } from 'zod';
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

function getObject({ control, params }: ControlContext) {
  const obj = control.get(params.id as string);
  if (!obj) throw new SimulatorControlError(`No such object: '${params.id}'`, 404);
  return obj;
}

function advanceClock({ control, body }: ControlContext) {
  const { seconds } = parse(z.object({ seconds: z.number().nonnegative() }).strict(), body);
  control.clock.advance(seconds);
  return { now: control.clock.now() };
}

function setCardBehavior({ control, body }: ControlContext) {
  const { target, behavior: b } = parse(z.object({ target: z.string(), behavior }).strict(), body);
  control.setCardBehavior(target, b);
  return { target, behavior: b };
}

function refund({ control, body }: ControlContext) {
  const { target, amount } = parse(
    z.object({ target: z.string(), amount: z.number().int().positive().optional() }).strict(),
    body,
  );
  return control.refund(target, amount);
}

function openDispute({ control, body }: ControlContext) {
  const { charge, ...options } = parse(disputeSchema, body);
  return control.openDispute(charge, options);
}

function addEndpoint({ control, body }: ControlContext) {
  const { url, events } = parse(
    z.object({ url: z.string(), events: z.array(z.string()).optional() }).strict(),
    body,
  );
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

/** Every control route, in match order. */
export const controlRoutes: readonly ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/state',
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
    handler: ({ control, query }) => control.list(query.get('type') ?? ''),
  },
  { method: 'GET', path: '/_sim/objects/:id', handler: getObject },
  { method: 'GET', path: '/_sim/events', handler: ({ control }) => control.events() },
  { method: 'GET', path: '/_sim/requests', handler: ({ control }) => control.requests() },
  { method: 'GET', path: '/_sim/violations', handler: ({ control }) => control.violations() },
  { method: 'GET', path: '/_sim/deliveries', handler: ({ control }) => control.deliveries() },
  { method: 'POST', path: '/_sim/clock/advance', handler: advanceClock },
  {
    method: 'POST',
    path: '/_sim/customers',
    handler: ({ control, body }) => control.createCustomer(parse(customerSchema, body)),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/pay',
    handler: ({ control, body, params }) =>
      control.payCheckoutSession(params.id as string, parse(paySchema, body)),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/settle',
    handler: ({ control, body, params }) =>
      control.settleAsync(
        params.id as string,
        parse(z.object({ succeed: z.boolean() }).strict(), body).succeed,
      ),
  },
  {
    method: 'POST',
    path: '/_sim/checkout/sessions/:id/expire',
    handler: ({ control, params }) => control.expireCheckoutSession(params.id as string),
  },
  { method: 'POST', path: '/_sim/card_behaviors', handler: setCardBehavior },
  {
    method: 'POST',
    path: '/_sim/customers/:id/payment_methods',
    handler: ({ control, body, params }) =>
      control.attachPaymentMethod(params.id as string, parse(cardSchema, body)),
  },
  { method: 'POST', path: '/_sim/refunds', handler: refund },
  {
    method: 'POST',
    path: '/_sim/refunds/:id/end',
    handler: ({ control, body, params }) =>
      control.endRefund(
        params.id as string,
        parse(z.object({ status: z.enum(['failed', 'canceled']) }).strict(), body).status,
      ),
  },
  { method: 'POST', path: '/_sim/disputes', handler: openDispute },
  {
    method: 'POST',
    path: '/_sim/disputes/:id/close',
    handler: ({ control, body, params }) =>
      control.closeDispute(
        params.id as string,
        parse(z.object({ outcome: z.enum(['won', 'lost']) }).strict(), body).outcome,
      ),
  },
  { method: 'POST', path: '/_sim/webhook_endpoints', handler: addEndpoint },
  { method: 'POST', path: '/_sim/deliveries/pause', handler: pauseDeliveries },
  {
    method: 'POST',
    path: '/_sim/deliveries/resume',
    handler: ({ control, body }) => ({
      resumed: control.resumeDeliveries(
        parse(z.object({ shuffleSeed: z.number().int().optional() }).strict(), body),
      ),
    }),
  },
  {
    method: 'POST',
    path: '/_sim/deliveries/drop',
    handler: ({ control }) => ({ dropped: control.dropPendingDeliveries() }),
  },
  { method: 'POST', path: '/_sim/deliveries/flush', handler: flushDeliveries },
  { method: 'POST', path: '/_sim/deliveries/faults', handler: setDeliveryFaults },
  {
    method: 'POST',
    path: '/_sim/events/:id/redeliver',
    handler: ({ control, body, params }) => ({
      deliveries: control.redeliver(params.id as string, parse(redeliverSchema, body)),
    }),
  },
  { method: 'POST', path: '/_sim/faults', handler: injectFault },
  { method: 'DELETE', path: '/_sim/faults', handler: clearFaults },
];
