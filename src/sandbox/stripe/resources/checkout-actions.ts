import { SimulatorControlError } from '../control-error.js';
import { invalidRequest, type StripeErrorBody } from '../errors.js';
import {
  buildPaymentIntent,
  type CardDetails,
  type ChargeObject,
  type CheckoutSessionObject,
  type CustomerObject,
  type PaymentIntentObject,
  type PaymentMethodObject,
} from '../objects/index.js';
import {
  attachPaymentMethod,
  attemptPayment,
  createPaymentMethod,
  settleProcessing,
} from '../payments.js';
import { previousOf, type Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { createCustomer } from './customers.js';

/**
 * What happens to a Checkout Session after it is created, outside the API: the fan pays on the
 * hosted page, an async payment settles, the session expires.
 */

/** Expires due open sessions (Stripe does it on its own at `expires_at`). */
export function expireDueSessions(sim: Sim): void {
  const now = sim.clock.now();
  for (const s of sim.store.all<CheckoutSessionObject>('checkout.session')) {
    if (s.status === 'open' && s.expires_at <= now) expireSession(sim, s, null);
  }
}

function expireSession(
  sim: Sim,
  session: CheckoutSessionObject,
  request: RequestRef | null,
): CheckoutSessionObject {
  const previous = previousOf(session, ['status']);
  session.status = 'expired';
  session.url = null;
  sim.emit('checkout.session.expired', session, { previous, request });
  return session;
}

/** Expires an open Checkout Session (`POST …/expire`, or a simulated abandonment). */
export function expireCheckoutSession(
  sim: Sim,
  id: string,
  request: RequestRef | null,
): CheckoutSessionObject {
  const session = sim.store.get<CheckoutSessionObject>('checkout.session', id);
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of ${session.status}.`,
      undefined,
      'checkout_session_unexpected_state',
    );
  }
  return expireSession(sim, session, request);
}

export interface PayCheckoutOptions {
  /** A delayed-notification method (bank debit): completes `unpaid`, settles with `settleAsync`. */
  async?: boolean;
  /** The card is declined on the page (`true` = generic decline): the session stays open. */
  fail?: boolean | 'card_declined' | 'insufficient_funds';
  /** Payment method type; `card` unless `async` (then `us_bank_account`). */
  paymentMethod?: string;
  /** The fan ticks "save my card" (needs a customer); implied by `setup_future_usage`. */
  saveCard?: boolean;
  card?: Partial<CardDetails>;
  email?: string;
  name?: string;
}

export interface PayCheckoutResult {
  session: CheckoutSessionObject;
  paymentIntent: PaymentIntentObject;
  paymentMethod: PaymentMethodObject;
  charge: ChargeObject | null;
  /** The decline shown on the page, when `fail` was asked. */
  error: StripeErrorBody | null;
  /** Where the browser goes next: `success_url` with `{CHECKOUT_SESSION_ID}` filled in (null on failure). */
  redirectUrl: string | null;
}

/** Pays an open Checkout Session as a fan would on the hosted page, with Stripe's events. */
export function payCheckoutSession(
  sim: Sim,
  id: string,
  options: PayCheckoutOptions = {},
): PayCheckoutResult {
  expireDueSessions(sim);
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  if (session.status !== 'open') {
    throw new SimulatorControlError(
      `Checkout Session ${id} is ${session.status}; only open sessions can be paid.`,
      409,
    );
  }
  const intentData = sim.checkoutIntentData.get(id) ?? {};
  const save =
    intentData.setup_future_usage !== undefined ||
    (options.saveCard === true &&
      (session.saved_payment_method_options as { payment_method_save?: string } | null)
        ?.payment_method_save !== 'disabled');
  const email = options.email ?? session.customer_email ?? 'fan@example.com';
  let customerId = session.customer;
  if (!customerId && (session.customer_creation === 'always' || save)) {
    customerId = createCustomer(sim, { email, name: options.name ?? null }, null).id;
  }
  const customer = customerId ? sim.store.find<CustomerObject>('customer', customerId) : undefined;
  const pmType = options.paymentMethod ?? (options.async ? 'us_bank_account' : 'card');
  const pm = createPaymentMethod(sim, pmType, options.card);
  pm.billing_details = {
    ...(pm.billing_details as object),
    email: customer?.email ?? email,
    name: options.name ?? null,
  };
  const pi = sim.store.insert(
    buildPaymentIntent(sim.clock.now(), {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      customer: customerId,
      description: intentData.description ?? null,
      metadata: { ...(intentData.metadata ?? {}) },
      setup_future_usage: intentData.setup_future_usage ?? null,
      receipt_email: intentData.receipt_email ?? null,
      statement_descriptor: intentData.statement_descriptor ?? null,
      statement_descriptor_suffix: intentData.statement_descriptor_suffix ?? null,
      payment_method_types: [pmType],
    }),
  );
  sim.emit('payment_intent.created', pi, { request: null });
  session.payment_intent = pi.id;
  const decline = options.fail === true ? 'card_declined' : options.fail || undefined;
  if (save && customerId && !decline) {
    pm.allow_redisplay = options.saveCard ? 'always' : 'limited';
    attachPaymentMethod(sim, pm, customerId, null);
  }
  const error = attemptPayment(sim, pi, pm, {
    offSession: false,
    behavior: decline ?? 'succeed',
    async: options.async ?? false,
    request: null,
  });
  const charge = pi.latest_charge
    ? (sim.store.find<ChargeObject>('charge', pi.latest_charge) ?? null)
    : null;
  if (error) {
    // Stripe has no Checkout event for a declined attempt; the session simply stays open.
    return {
      session,
      paymentIntent: pi,
      paymentMethod: pm,
      charge,
      error: error.body,
      redirectUrl: null,
    };
  }
  session.status = 'complete';
  session.payment_status = options.async ? 'unpaid' : 'paid';
  session.customer = customerId;
  session.customer_details = {
    address: {
      city: null,
      country: 'US',
      line1: null,
      line2: null,
      postal_code: null,
      state: null,
    },
    email: customer?.email ?? email,
    name: options.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
    business_name: null,
    individual_name: null,
  };
  session.url = null;
  sim.emit('checkout.session.completed', session, { request: null });
  const redirectUrl = session.success_url
    ? session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id)
    : null;
  return { session, paymentIntent: pi, paymentMethod: pm, charge, error: null, redirectUrl };
}

/** Settles a completed, still-unpaid (async) Checkout Session: `async_payment_succeeded|failed`. */
export function settleCheckoutSession(
  sim: Sim,
  id: string,
  succeed: boolean,
): CheckoutSessionObject {
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  const pi = session.payment_intent
    ? sim.store.find<PaymentIntentObject>('payment_intent', session.payment_intent)
    : undefined;
  if (
    session.status !== 'complete' ||
    session.payment_status !== 'unpaid' ||
    !pi ||
    pi.status !== 'processing'
  ) {
    throw new SimulatorControlError(
      `Checkout Session ${id} has no pending asynchronous payment to settle.`,
      409,
    );
  }
  settleProcessing(sim, pi, succeed);
  if (succeed) {
    const previous = previousOf(session, ['payment_status']);
    session.payment_status = 'paid';
    sim.emit('checkout.session.async_payment_succeeded', session, { previous, request: null });
  } else {
    sim.emit('checkout.session.async_payment_failed', session, { request: null });
  }
  return session;
}
