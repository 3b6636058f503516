import type { Logger } from '../../core/logger.js';
import type { SimClock } from './clock.js';
import { newId } from './ids.js';
import type { RequestRef, StripeObject } from './store.js';
import { ObjectStore } from './store.js';

/** What a card does when charged; set per payment method or per customer. */
export type CardBehavior =
  'succeed' | 'card_declined' | 'insufficient_funds' | 'authentication_required';

export interface EventObject extends StripeObject {
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: RequestRef;
  type: string;
}

/** The parts of a Checkout Session's `payment_intent_data` applied when it is paid. */
export interface CheckoutIntentData {
  setup_future_usage?: 'on_session' | 'off_session' | undefined;
  metadata?: Record<string, string> | undefined;
  description?: string | undefined;
  receipt_email?: string | undefined;
  statement_descriptor?: string | undefined;
  statement_descriptor_suffix?: string | undefined;
}

export interface EmitOptions {
  previous?: Record<string, unknown>;
  request?: RequestRef | null;
}

/** The state every endpoint and simulated action works on. */
export interface Sim {
  readonly store: ObjectStore;
  readonly clock: SimClock;
  readonly apiVersion: string;
  readonly logger: Logger;
  /** The simulator's own base URL (for hosted Checkout and portal links). */
  baseUrl(): string;
  /** Line items of each Checkout Session, by session id. */
  readonly lineItems: Map<string, StripeObject[]>;
  /** What a Checkout Session's `payment_intent_data` asked for, by session id. */
  readonly checkoutIntentData: Map<string, CheckoutIntentData>;
  /** Signing secret of each webhook endpoint, by endpoint id. */
  readonly webhookSecrets: Map<string, string>;
  /** Scripted outcomes, by payment method id or customer id. */
  readonly cardBehaviors: Map<string, CardBehavior>;
  /** Records an event (a snapshot of `object`) and hands it to webhook delivery. */
  emit(type: string, object: StripeObject, options?: EmitOptions): EventObject;
}

/** The request reference events carry when a simulated action (not an API call) caused them. */
export const noRequest: RequestRef = { id: null, idempotency_key: null };

export interface SimDeps {
  clock: SimClock;
  apiVersion: string;
  logger: Logger;
  baseUrl: () => string;
  /** Called for each new event; webhook delivery hangs off this. Returns how many endpoints will get it. */
  onEvent: (event: EventObject) => number;
}

/** Builds the shared state. */
export function createSim(deps: SimDeps): Sim {
  const store = new ObjectStore();
  return {
    store,
    clock: deps.clock,
    apiVersion: deps.apiVersion,
    logger: deps.logger,
    baseUrl: deps.baseUrl,
    lineItems: new Map(),
    checkoutIntentData: new Map(),
    webhookSecrets: new Map(),
    cardBehaviors: new Map(),
    emit(type, object, options = {}) {
      const event: EventObject = {
        api_version: deps.apiVersion,
        created: deps.clock.now(),
        data: {
          object: structuredClone(object),
          ...(options.previous ? { previous_attributes: structuredClone(options.previous) } : {}),
        },
        id: newId('event'),
        livemode: false,
        object: 'event',
        pending_webhooks: 0,
        request: options.request ?? noRequest,
        type,
      };
      store.insert(event);
      event.pending_webhooks = deps.onEvent(event);
      deps.logger.debug({ event: event.id, type }, 'stripe simulator event');
      return event;
    },
  };
}

/** Copies `fields` of `obj` before a change, for an event's `previous_attributes`. */
export function previousOf(obj: StripeObject, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, structuredClone(obj[f])]));
}
