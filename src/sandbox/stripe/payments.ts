import { invalidRequest, noSuch, StripeApiError } from './errors.js';
import {
  buildCharge,
  buildPaymentMethod,
  type CardDetails,
  type ChargeObject,
  type PaymentIntentObject,
  type PaymentMethodObject,
} from './objects/index.js';
import type { CardBehavior, Sim } from './sim.js';
import type { RequestRef } from './store.js';

/** Stripe's test-mode payment method tokens, each cloned into a fresh `pm_…` when used. */
const testTokens: Record<string, { card: Partial<CardDetails>; behavior: CardBehavior }> = {
  pm_card_visa: { card: { brand: 'visa', last4: '4242' }, behavior: 'succeed' },
  pm_card_mastercard: { card: { brand: 'mastercard', last4: '4444' }, behavior: 'succeed' },
  pm_card_amex: { card: { brand: 'amex', last4: '8431' }, behavior: 'succeed' },
  pm_card_chargeDeclined: { card: { brand: 'visa', last4: '0002' }, behavior: 'card_declined' },
  pm_card_chargeDeclinedInsufficientFunds: {
    card: { brand: 'visa', last4: '9995' },
    behavior: 'insufficient_funds',
  },
  pm_card_authenticationRequired: {
    card: { brand: 'visa', last4: '3184' },
    behavior: 'authentication_required',
  },
};

/** Card details with defaults filled in. */
export function cardDetails(card: Partial<CardDetails> = {}): CardDetails {
  return {
    brand: card.brand ?? 'visa',
    last4: card.last4 ?? '4242',
    exp_month: card.exp_month ?? 12,
    exp_year: card.exp_year ?? new Date().getUTCFullYear() + 3,
    country: card.country ?? 'US',
    funding: card.funding ?? 'credit',
  };
}

/** Creates a payment method of `type` (a card unless said otherwise). */
export function createPaymentMethod(
  sim: Sim,
  type: string,
  card: Partial<CardDetails> = {},
): PaymentMethodObject {
  return sim.store.insert(buildPaymentMethod(sim.clock.now(), type, cardDetails(card)));
}

/** Resolves a `payment_method` param: an existing `pm_…`, or a test token such as `pm_card_visa`. */
export function resolvePaymentMethod(
  sim: Sim,
  id: string,
  param = 'payment_method',
): PaymentMethodObject {
  const token = testTokens[id];
  if (token) {
    const pm = createPaymentMethod(sim, 'card', token.card);
    if (token.behavior !== 'succeed') sim.cardBehaviors.set(pm.id, token.behavior);
    return pm;
  }
  const pm = sim.store.find<PaymentMethodObject>('payment_method', id);
  if (!pm) throw noSuch('payment_method', id, param, 400);
  return pm;
}

/** Attaches `pm` to `customer` and emits `payment_method.attached`. */
export function attachPaymentMethod(
  sim: Sim,
  pm: PaymentMethodObject,
  customer: string,
  request: RequestRef | null,
): void {
  if (pm.customer === customer) return;
  if (pm.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  pm.customer = customer;
  sim.emit('payment_method.attached', pm, { request });
}

/** The scripted outcome for charging `pm` for `pi`: per payment method, then per customer. */
export function behaviorFor(
  sim: Sim,
  pm: PaymentMethodObject,
  pi: PaymentIntentObject,
): CardBehavior {
  return (
    sim.cardBehaviors.get(pm.id) ??
    (pm.customer ? sim.cardBehaviors.get(pm.customer) : undefined) ??
    (pi.customer ? sim.cardBehaviors.get(pi.customer) : undefined) ??
    'succeed'
  );
}

const declines: Record<
  Exclude<CardBehavior, 'succeed'>,
  { code: string; decline: string; message: string }
> = {
  card_declined: {
    code: 'card_declined',
    decline: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficient_funds: {
    code: 'card_declined',
    decline: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  authentication_required: {
    code: 'authentication_required',
    decline: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
};

export interface AttemptOptions {
  offSession: boolean;
  /** `error_on_requires_action=true`: a needed authentication fails the attempt instead. */
  errorOnRequiresAction?: boolean;
  /** Forces an outcome (a simulated Checkout page declining), ignoring scripted behaviours. */
  behavior?: CardBehavior;
  /** Asynchronous methods (bank debits) end `processing` and settle later. */
  async?: boolean;
  request: RequestRef | null;
}

/**
 * Confirms `pi` with `pm`, like the card network would answer: success creates a succeeded
 * Charge; a decline creates a failed Charge, leaves the intent `requires_payment_method` and
 * returns the 402 error to answer; an authentication need on-session asks for `requires_action`.
 * Emits the events Stripe sends for each case.
 */
export function attemptPayment(
  sim: Sim,
  pi: PaymentIntentObject,
  pm: PaymentMethodObject,
  options: AttemptOptions,
): StripeApiError | null {
  if (pi.customer && pm.customer && pm.customer !== pi.customer) {
    throw invalidRequest(
      `The provided PaymentMethod belongs to a different Customer. Use the same Customer as the PaymentIntent.`,
      'payment_method',
    );
  }
  const request = options.request;
  const now = sim.clock.now();
  pi.payment_method = pm.id;
  const behavior = options.behavior ?? behaviorFor(sim, pm, pi);
  if (options.async && behavior === 'succeed') {
    const charge = sim.store.insert(buildCharge(now, pi, pm, 'pending'));
    pi.latest_charge = charge.id;
    pi.status = 'processing';
    pi.processing = null;
    sim.emit('charge.pending', charge, { request });
    sim.emit('payment_intent.processing', pi, { request });
    return null;
  }
  if (behavior === 'succeed') {
    if (pi.setup_future_usage && pi.customer && !pm.customer)
      attachPaymentMethod(sim, pm, pi.customer, request);
    const charge = sim.store.insert(buildCharge(now, pi, pm, 'succeeded'));
    succeedIntent(sim, pi, charge, request);
    return null;
  }
  if (
    behavior === 'authentication_required' &&
    !options.offSession &&
    !options.errorOnRequiresAction
  ) {
    pi.status = 'requires_action';
    pi.next_action = {
      type: 'use_stripe_sdk',
      use_stripe_sdk: {
        type: 'three_d_secure_redirect',
        stripe_js: `${sim.baseUrl()}/_sim/3ds/${pi.id}`,
      },
    };
    sim.emit('payment_intent.requires_action', pi, { request });
    return null;
  }
  const decline = declines[behavior];
  const charge = sim.store.insert(
    buildCharge(now, pi, pm, 'failed', {
      code: decline.code,
      message: decline.message,
      declineCode: decline.decline,
    }),
  );
  const error = {
    type: 'card_error' as const,
    code: decline.code,
    decline_code: decline.decline,
    message: decline.message,
    charge: charge.id,
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
  };
  pi.latest_charge = charge.id;
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = { ...error, payment_method: structuredClone(pm) };
  sim.emit('charge.failed', charge, { request });
  sim.emit('payment_intent.payment_failed', pi, { request });
  return new StripeApiError(402, {
    ...error,
    payment_intent: structuredClone(pi),
    payment_method: structuredClone(pm),
    request_log_url: `${sim.baseUrl()}/_sim/requests`,
  });
}

/** Marks `pi` paid by `charge` and emits `charge.succeeded` then `payment_intent.succeeded`. */
export function succeedIntent(
  sim: Sim,
  pi: PaymentIntentObject,
  charge: ChargeObject,
  request: RequestRef | null,
): void {
  pi.latest_charge = charge.id;
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  pi.last_payment_error = null;
  pi.next_action = null;
  sim.emit('charge.succeeded', charge, { request });
  sim.emit('payment_intent.succeeded', pi, { request });
}

/** Settles a `processing` intent (bank debit): succeeded, or failed back to `requires_payment_method`. */
export function settleProcessing(sim: Sim, pi: PaymentIntentObject, succeed: boolean): void {
  const charge = pi.latest_charge
    ? sim.store.find<ChargeObject>('charge', pi.latest_charge)
    : undefined;
  if (pi.status !== 'processing' || !charge) {
    throw invalidRequest(`PaymentIntent ${pi.id} is not processing (status ${pi.status}).`);
  }
  if (succeed) {
    Object.assign(charge, {
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: charge.amount,
    });
    succeedIntent(sim, pi, charge, null);
    return;
  }
  Object.assign(charge, {
    status: 'failed',
    failure_code: 'insufficient_funds',
    failure_message: 'The account has insufficient funds.',
  });
  pi.status = 'requires_payment_method';
  pi.last_payment_error = {
    type: 'card_error',
    code: 'payment_method_provider_decline',
    decline_code: 'insufficient_funds',
    message: 'The account has insufficient funds.',
    charge: charge.id,
  };
  sim.emit('charge.failed', charge, { request: null });
  sim.emit('payment_intent.payment_failed', pi, { request: null });
}
