/**
 * The PaymentGateway port over stripe-node: customers, Checkout Sessions, the billing portal
 * and off-session charges. Every creating call carries the caller's idempotency key (taken
 * from a row premiumbot wrote first), so stripe-node's network retries and our own never
 * create a second object.
 */
import type Stripe from 'stripe';
import type {
  ChargeOutcome,
  CheckoutRequest,
  OffSessionCharge,
  PaymentGateway,
} from '../../core/payments/ports.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';
import { chargeFacts } from './events.js';

interface StripeErrorLike {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  payment_intent?: { id?: string } | null;
  raw?: { payment_intent?: { id?: string } | null };
}

/** Builds the gateway for a Stripe client. */
export function createStripeGateway(stripe: StripeClient): PaymentGateway {
  return {
    async createCustomer(fan, idempotencyKey) {
      try {
        const customer = await stripe.customers.create(
          {
            ...(fan.name ? { name: fan.name } : {}),
            description: fan.username ? `Telegram @${fan.username}` : `Telegram fan ${fan.id}`,
            metadata: { premiumbot_fan_id: String(fan.id) },
          },
          { idempotencyKey },
        );
        return customer.id;
      } catch (cause) {
        throw stripeFailure('creating a customer', cause);
      }
    },

    async createCheckout(request: CheckoutRequest) {
      const params = checkoutSessionParams(request);
      try {
        const session = await stripe.checkout.sessions.create(params, {
          idempotencyKey: request.idempotencyKey,
        });
        if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
        return { sessionId: session.id, url: session.url };
      } catch (cause) {
        throw stripeFailure('creating a Checkout Session', cause);
      }
    },

    async expireCheckout(sessionId) {
      try {
        await stripe.checkout.sessions.expire(sessionId);
      } catch (cause) {
        // Already complete or expired: nothing to do.
        if ((cause as StripeErrorLike).code === 'checkout_session_unexpected_state') return;
        throw stripeFailure(`expiring Checkout Session ${sessionId}`, cause);
      }
    },

    async portalUrl(customerId, returnUrl) {
      try {
        const portal = await stripe.billingPortal.sessions.create({
          customer: customerId,
          return_url: returnUrl,
        });
        return portal.url;
      } catch (cause) {
        throw stripeFailure('opening the billing portal', cause);
      }
    },

    chargeOffSession: (charge) => chargeOffSession(stripe, charge),
    retrieveCharge: (chargeId) => retrieveCharge(stripe, chargeId),
  };
}

/**
 * A charge with its refunds: the pinned API version lists them only when expanded, and
 * beyond the first page (more than 10 refunds) they are paged through.
 */
async function retrieveCharge(stripe: StripeClient, chargeId: string) {
  try {
    const charge = await stripe.charges.retrieve(chargeId, { expand: ['refunds'] });
    if (charge.refunds?.has_more) {
      const refunds: Stripe.Refund[] = [];
      for await (const refund of stripe.refunds.list({ charge: chargeId, limit: 100 })) {
        refunds.push(refund);
      }
      return chargeFacts({ ...charge, refunds: { data: refunds, has_more: false } });
    }
    return chargeFacts(charge);
  } catch (cause) {
    if ((cause as StripeErrorLike).code === 'resource_missing') return null;
    throw stripeFailure(`reading charge ${chargeId}`, cause);
  }
}

/** A `payment`-mode session for one product; the PaymentIntent carries the same metadata. */
function checkoutSessionParams(request: CheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const { product } = request;
  const line: Stripe.Checkout.SessionCreateParams.LineItem = request.inlinePrice
    ? {
        price_data: {
          currency: product.currency,
          unit_amount: product.priceCents,
          product_data: { name: product.label },
        },
        quantity: 1,
      }
    : { price: product.stripePriceId ?? undefined, quantity: 1 };
  if (!line.price && !line.price_data) throw new Error(`product ${product.id} has no Stripe price`);
  return {
    mode: 'payment',
    customer: request.customerId,
    client_reference_id: request.clientReferenceId,
    line_items: [line],
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
    metadata: request.metadata,
    payment_intent_data: {
      // Charges (refunds, disputes) carry the same metadata as the session.
      metadata: request.metadata,
      description: product.label,
      ...(request.saveForOffSession ? { setup_future_usage: 'off_session' as const } : {}),
    },
    // Without auto-recharge the fan decides: Checkout shows a "save my card" box.
    ...(request.saveForOffSession
      ? {}
      : { saved_payment_method_options: { payment_method_save: 'enabled' as const } }),
  };
}

/** A confirmed off-session PaymentIntent; a card decline is an outcome, not an error. */
async function chargeOffSession(
  stripe: StripeClient,
  charge: OffSessionCharge,
): Promise<ChargeOutcome> {
  let pi: Stripe.PaymentIntent;
  try {
    pi = await stripe.paymentIntents.create(
      {
        amount: charge.amountCents,
        currency: charge.currency,
        customer: charge.customerId,
        payment_method: charge.paymentMethodId,
        off_session: true,
        confirm: true,
        description: charge.description,
        metadata: charge.metadata,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      },
      { idempotencyKey: charge.idempotencyKey },
    );
  } catch (cause) {
    const err = cause as StripeErrorLike;
    if (err.type !== 'StripeCardError') throw stripeFailure('charging a saved card', cause);
    const failed = err.payment_intent ?? err.raw?.payment_intent ?? null;
    return declined(failed?.id ?? null, err);
  }
  if (pi.status === 'succeeded') return { status: 'succeeded', paymentIntentId: pi.id };
  if (pi.status === 'processing') return { status: 'processing', paymentIntentId: pi.id };
  if (pi.status === 'requires_payment_method') return declined(pi.id, pi.last_payment_error);
  return { status: 'requires_action', paymentIntentId: pi.id };
}

function declined(
  paymentIntentId: string | null,
  error: { code?: string; decline_code?: string; message?: string } | null | undefined,
): ChargeOutcome {
  return {
    status: 'declined',
    paymentIntentId,
    failure: {
      code: error?.code ?? null,
      declineCode: error?.decline_code ?? null,
      message: error?.message ?? null,
    },
  };
}
