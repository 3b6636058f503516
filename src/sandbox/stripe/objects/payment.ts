import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';
import { emptyAddress, type Metadata } from './customer.js';

export interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string;
  funding: string;
}

export interface PaymentMethodObject extends StripeObject {
  object: 'payment_method';
  customer: string | null;
  type: string;
  card?: CardDetails & Record<string, unknown>;
  metadata: Metadata;
}

/** A new card PaymentMethod (or another type: the type-specific hash replaces `card`). */
export function buildPaymentMethod(
  created: number,
  type: string,
  card: CardDetails,
  fields: Partial<PaymentMethodObject> = {},
): PaymentMethodObject {
  const details: Record<string, unknown> =
    type === 'card'
      ? {
          card: {
            brand: card.brand,
            checks: {
              address_line1_check: null,
              address_postal_code_check: null,
              cvc_check: 'pass',
            },
            country: card.country,
            display_brand: card.brand,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            fingerprint: `fp${card.brand}${card.last4}`.slice(0, 16),
            funding: card.funding,
            generated_from: null,
            last4: card.last4,
            networks: { available: [card.brand], preferred: null },
            three_d_secure_usage: { supported: true },
            wallet: null,
            regulated_status: 'unregulated',
          },
        }
      : { [type]: {} };
  return {
    allow_redisplay: 'unspecified',
    billing_details: {
      address: emptyAddress(),
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    ...details,
    created,
    customer: null,
    id: newId('payment_method'),
    livemode: false,
    metadata: {},
    object: 'payment_method',
    type,
    customer_account: null,
    ...fields,
  } as PaymentMethodObject;
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export interface PaymentIntentObject extends StripeObject {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  payment_method: string | null;
  status: PaymentIntentStatus;
  latest_charge: string | null;
  last_payment_error: Record<string, unknown> | null;
  metadata: Metadata;
  setup_future_usage: 'on_session' | 'off_session' | null;
  payment_method_types: string[];
}

/** A new PaymentIntent. */
export function buildPaymentIntent(
  created: number,
  fields: Partial<PaymentIntentObject> & { amount: number; currency: string },
): PaymentIntentObject {
  const id = newId('payment_intent');
  const { amount, currency, ...rest } = fields;
  return {
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${newId('item').slice(3)}`,
    confirmation_method: 'automatic',
    created,
    currency,
    customer: null,
    description: null,
    id,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: {},
    next_action: null,
    object: 'payment_intent',
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
    source: null,
    excluded_payment_method_types: null,
    customer_account: null,
    managed_payments: null,
    ...rest,
  };
}

export interface ChargeObject extends StripeObject {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  customer: string | null;
  disputed: boolean;
  paid: boolean;
  payment_intent: string | null;
  payment_method: string | null;
  refunded: boolean;
  refunds: { object: 'list'; data: StripeObject[]; has_more: boolean; url: string };
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Metadata;
}

/** A new Charge for a PaymentIntent attempt with `pm`. */
export function buildCharge(
  created: number,
  pi: PaymentIntentObject,
  pm: PaymentMethodObject,
  status: ChargeObject['status'],
  failure: { code: string; message: string; declineCode?: string } | null = null,
): ChargeObject {
  const id = newId('charge');
  const succeeded = status === 'succeeded';
  const card = pm.card;
  return {
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('balance_transaction') : null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: 'PREMIUMBOT',
    captured: succeeded,
    created,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    id,
    livemode: false,
    metadata: { ...pi.metadata },
    object: 'charge',
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: failure ? 'declined_by_network' : 'approved_by_network',
      reason: failure?.declineCode ?? null,
      risk_level: 'normal',
      seller_message: failure
        ? 'The bank did not return any further details with this decline.'
        : 'Payment complete.',
      type: failure ? 'issuer_declined' : 'authorized',
    },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: card
      ? {
          card: {
            brand: card.brand,
            checks: card.checks,
            country: card.country,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            fingerprint: card.fingerprint,
            funding: card.funding,
            last4: card.last4,
            network: card.brand,
            three_d_secure: null,
            wallet: null,
          },
          type: 'card',
        }
      : { [pm.type]: {}, type: pm.type },
    receipt_email: (pi.receipt_email as string | null) ?? null,
    receipt_number: null,
    receipt_url: succeeded ? `https://pay.stripe.com/receipts/payment/${id}` : null,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: null,
    source: null,
  };
}
