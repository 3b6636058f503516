import type { SimClock } from './clock.js';
import type { ApiRequestRecord, FaultSpec, StripeApi, Violation } from './api-server.js';
import { SimulatorControlError } from './control-error.js';
import { StripeApiError } from './errors.js';
import type {
  CardDetails,
  CheckoutSessionObject,
  CustomerObject,
  DisputeObject,
  PaymentMethodObject,
  RefundObject,
} from './objects/index.js';
import { attachPaymentMethod, createPaymentMethod } from './payments.js';
import {
  expireCheckoutSession,
  expireDueSessions,
  payCheckoutSession,
  settleCheckoutSession,
  type PayCheckoutOptions,
  type PayCheckoutResult,
} from './resources/checkout-actions.js';
import { createCustomer } from './resources/customers.js';
import { closeDispute, openDispute, type OpenDisputeOptions } from './resources/disputes.js';
import { endRefund, simulateRefund } from './resources/refunds.js';
import { createWebhookEndpoint } from './resources/webhook-endpoints.js';
import type { CardBehavior, EventObject, Sim } from './sim.js';
import type { StripeObject } from './store.js';
import type { DeliveryAttempt, DeliveryFaults, WebhookDelivery } from './webhook-delivery.js';

/** The in-process control surface: act as the fan, the bank or Stripe, and inspect what happened. */
export interface StripeSimulatorControl {
  /** The simulator clock; advancing it also expires Checkout Sessions that are due. */
  readonly clock: SimClock;
  /** A copy of any object by id. */
  get<T extends StripeObject = StripeObject>(id: string): T | undefined;
  /** Copies of every object of `type` (`customer`, `checkout.session`…), newest first. */
  list<T extends StripeObject = StripeObject>(type: string): T[];
  /** Every event, oldest first. */
  events(): EventObject[];
  /** A customer made directly (no API call, emits `customer.created`). */
  createCustomer(fields?: {
    email?: string;
    name?: string;
    metadata?: Record<string, string>;
  }): CustomerObject;

  payCheckoutSession(id: string, options?: PayCheckoutOptions): PayCheckoutResult;
  /** Settles an async Checkout payment: `checkout.session.async_payment_succeeded|failed`. */
  settleAsync(id: string, succeed: boolean): CheckoutSessionObject;
  expireCheckoutSession(id: string): CheckoutSessionObject;
  /** Scripts what charging a payment method (or any card of a customer) does from now on. */
  setCardBehavior(paymentMethodOrCustomer: string, behavior: CardBehavior): void;
  /** Saves a card on a customer (as if through the portal): `payment_method.attached`. */
  attachPaymentMethod(customer: string, card?: Partial<CardDetails>): PaymentMethodObject;
  /** Removes a saved card (as the fan does in the portal): `payment_method.detached`. */
  detachPaymentMethod(paymentMethod: string): PaymentMethodObject;
  /** Refunds a charge or payment intent (default: all that is left). */
  refund(chargeOrPaymentIntent: string, amount?: number): RefundObject;
  /** A refund that failed at the bank or was cancelled: `charge.refund.updated`. */
  endRefund(refund: string, status: 'failed' | 'canceled'): RefundObject;
  openDispute(charge: string, options?: OpenDisputeOptions): DisputeObject;
  closeDispute(dispute: string, outcome: 'won' | 'lost'): DisputeObject;

  /**
   * Registers a webhook endpoint (`*` = every event) and returns its signing secret; with
   * `apiVersion` its events are rendered at that version (as `set-webhooks` pins it).
   */
  addEndpoint(
    url: string,
    events?: string[],
    options?: { apiVersion?: string },
  ): { id: string; secret: string };
  deliveries(): DeliveryAttempt[];
  /** Sends what is due now (skipping backoff and delays) and waits until nothing is in flight. */
  flush(timeoutMs?: number): Promise<void>;
  /** Waits, in real time, until no delivery is waiting, queued or in flight. */
  waitForDeliveries(timeoutMs?: number): Promise<void>;
  /** Outage: deliveries are held until `resumeDeliveries`. */
  pauseDeliveries(): void;
  /** Ends the outage; `shuffleSeed` sends the held batch in a seeded random order. Returns the batch size. */
  resumeDeliveries(options?: { shuffleSeed?: number }): number;
  /** Abandons every unsent delivery (the events stay in `/v1/events`). Returns how many. */
  dropPendingDeliveries(): number;
  /** Duplicates/delays deliveries of events created from now on (`{}` turns faults off). */
  setDeliveryFaults(faults: DeliveryFaults): void;
  /** Sends an event again, `times` times, optionally all at once. Returns how many deliveries. */
  redeliver(
    eventId: string,
    options?: { times?: number; concurrent?: boolean; endpointId?: string },
  ): number;

  requests(): ApiRequestRecord[];
  violations(): Violation[];
  /** Makes matching API calls lose their response or answer 5xx. */
  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
}

/** Runs a simulated action, turning Stripe API errors into control errors. */
function act<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StripeApiError)
      throw new SimulatorControlError(err.message, err.status === 404 ? 404 : 409);
    throw err;
  }
}

const copy = <T>(value: T): T => structuredClone(value);

/** Builds the control object over the simulator's parts. */
export function createControl(
  sim: Sim,
  api: StripeApi,
  delivery: WebhookDelivery,
): StripeSimulatorControl {
  const clock: SimClock = {
    now: () => sim.clock.now(),
    nowMs: () => sim.clock.nowMs(),
    offsetMs: () => sim.clock.offsetMs(),
    onAdvance: (listener) => sim.clock.onAdvance(listener),
    advance(seconds) {
      sim.clock.advance(seconds);
      expireDueSessions(sim);
    },
  };
  return {
    clock,
    get: (id) => {
      const found = sim.store.findAny(id);
      return found ? (copy(found) as never) : undefined;
    },
    list: (type) => copy(sim.store.all(type)) as never,
    events: () => copy(sim.store.all<EventObject>('event')).reverse(),
    createCustomer: (fields = {}) =>
      copy(
        createCustomer(
          sim,
          {
            email: fields.email ?? null,
            name: fields.name ?? null,
            metadata: { ...(fields.metadata ?? {}) },
          },
          null,
        ),
      ),
    payCheckoutSession: (id, options) => copy(act(() => payCheckoutSession(sim, id, options))),
    settleAsync: (id, succeed) => copy(act(() => settleCheckoutSession(sim, id, succeed))),
    expireCheckoutSession: (id) => copy(act(() => expireCheckoutSession(sim, id, null))),
    setCardBehavior(target, behavior) {
      const known = sim.store.find('payment_method', target) ?? sim.store.find('customer', target);
      if (!known) throw new SimulatorControlError(`No payment method or customer '${target}'`, 404);
      sim.cardBehaviors.set(target, behavior);
    },
    attachPaymentMethod: (customer, card) =>
      copy(
        act(() => {
          sim.store.get('customer', customer);
          const pm = createPaymentMethod(sim, 'card', card);
          attachPaymentMethod(sim, pm, customer, null);
          return pm;
        }),
      ),
    detachPaymentMethod: (id) =>
      copy(
        act(() => {
          const pm = sim.store.get<PaymentMethodObject>('payment_method', id);
          if (!pm.customer)
            throw new SimulatorControlError(`Payment method '${id}' is not saved on a customer`);
          const previous = { customer: pm.customer };
          pm.customer = null;
          sim.emit('payment_method.detached', pm, { previous, request: null });
          return pm;
        }),
      ),
    refund: (target, amount) => copy(act(() => simulateRefund(sim, target, amount))),
    endRefund: (refund, status) => copy(act(() => endRefund(sim, refund, status))),
    openDispute: (charge, options) => copy(act(() => openDispute(sim, charge, options))),
    closeDispute: (dispute, outcome) => copy(act(() => closeDispute(sim, dispute, outcome))),
    addEndpoint(url, events = ['*'], options = {}) {
      const fields = { url, enabled_events: events, api_version: options.apiVersion };
      const created = act(() => createWebhookEndpoint(sim, fields, null));
      return { id: created.endpoint.id, secret: created.secret };
    },
    deliveries: () => delivery.attempts(),
    flush: (timeoutMs) => delivery.flush(timeoutMs),
    waitForDeliveries: (timeoutMs) => delivery.waitForIdle(timeoutMs),
    pauseDeliveries: () => delivery.pause(),
    resumeDeliveries: (options) => delivery.resume(options),
    dropPendingDeliveries: () => delivery.dropPending(),
    setDeliveryFaults: (faults) => delivery.setFaults(faults),
    redeliver: (eventId, options) => delivery.redeliver(eventId, options),
    requests: () => api.requests(),
    violations: () => api.violations(),
    injectFault: (spec) => api.injectFault(spec),
    clearFaults: () => api.clearFaults(),
  };
}
