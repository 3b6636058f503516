import { newId } from './ids.js';
import type { StripeObject } from './store.js';

/**
 * Builders for every object the simulator returns. Each one has exactly the top-level keys of
 * the matching resource in Stripe's OpenAPI fixtures (`stripe-openapi-fixtures3.json`), with
 * nullable fields null — a test compares the key sets whenever that file is present.
 */

export type Metadata = Record<string, string>;

const emptyAddress = () => ({
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
});

export interface CustomerObject extends StripeObject {
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Metadata;
  invoice_settings: { default_payment_method: string | null; [k: string]: unknown };
}

/** A new Customer. */
export function buildCustomer(
  created: number,
  fields: Partial<CustomerObject> = {},
): CustomerObject {
  const id = newId('customer');
  return {
    address: null,
    balance: 0,
    created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    id,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    object: 'customer',
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    ...fields,
  };
}

export interface ProductObject extends StripeObject {
  object: 'product';
  active: boolean;
  name: string;
  metadata: Metadata;
  default_price: string | null;
  updated: number;
}

/** A new Product. */
export function buildProduct(
  created: number,
  fields: Partial<ProductObject> & { name: string },
): ProductObject {
  return {
    active: true,
    created,
    default_price: null,
    description: null,
    id: newId('product'),
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    object: 'product',
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    updated: created,
    url: null,
    type: 'service',
    ...fields,
  };
}

export interface PriceObject extends StripeObject {
  object: 'price';
  active: boolean;
  currency: string;
  product: string;
  unit_amount: number | null;
  lookup_key: string | null;
  metadata: Metadata;
  type: 'one_time' | 'recurring';
}

/** A new Price. */
export function buildPrice(
  created: number,
  fields: Partial<PriceObject> & { currency: string; product: string },
): PriceObject {
  const unit = fields.unit_amount ?? null;
  return {
    active: true,
    billing_scheme: 'per_unit',
    created,
    custom_unit_amount: null,
    id: newId('price'),
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    object: 'price',
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: unit,
    unit_amount_decimal: unit === null ? null : String(unit),
    ...fields,
  };
}

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

export interface RefundObject extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string | null;
  status: string;
}

/** A new (succeeded) Refund of `amount` on `charge`. */
export function buildRefund(
  created: number,
  charge: ChargeObject,
  amount: number,
  fields: Partial<RefundObject> = {},
): RefundObject {
  return {
    amount,
    balance_transaction: newId('balance_transaction'),
    charge: charge.id,
    created,
    currency: charge.currency,
    destination_details: { card: { type: 'refund' }, type: 'card' },
    id: newId('refund'),
    metadata: {},
    object: 'refund',
    payment_intent: charge.payment_intent,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
    customer: charge.customer,
    customer_account: null,
    payment_method: charge.payment_method,
    ...fields,
  };
}

export interface DisputeObject extends StripeObject {
  object: 'dispute';
  amount: number;
  charge: string;
  status: string;
}

/** A new Dispute on `charge`. */
export function buildDispute(
  created: number,
  charge: ChargeObject,
  amount: number,
  reason: string,
): DisputeObject {
  const evidenceFields = [
    'access_activity_log',
    'billing_address',
    'cancellation_policy',
    'cancellation_policy_disclosure',
    'cancellation_rebuttal',
    'customer_communication',
    'customer_email_address',
    'customer_name',
    'customer_purchase_ip',
    'customer_signature',
    'duplicate_charge_documentation',
    'duplicate_charge_explanation',
    'duplicate_charge_id',
    'product_description',
    'receipt',
    'refund_policy',
    'refund_policy_disclosure',
    'refund_refusal_explanation',
    'service_date',
    'service_documentation',
    'shipping_address',
    'shipping_carrier',
    'shipping_date',
    'shipping_documentation',
    'shipping_tracking_number',
    'uncategorized_file',
    'uncategorized_text',
  ];
  return {
    amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    evidence: {
      ...Object.fromEntries(evidenceFields.map((f) => [f, null])),
      enhanced_evidence: {},
    },
    evidence_details: {
      due_by: created + 7 * 24 * 3600,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      enhanced_eligibility: {},
    },
    id: newId('dispute'),
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    object: 'dispute',
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' },
      type: 'card',
    },
    reason,
    status: 'needs_response',
    enhanced_eligibility_types: [],
  };
}

export interface WebhookEndpointObject extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  api_version: string | null;
}

/** A new WebhookEndpoint (its secret is kept aside; Stripe only shows it at creation). */
export function buildWebhookEndpoint(
  created: number,
  fields: Partial<WebhookEndpointObject> & { url: string; enabled_events: string[] },
): WebhookEndpointObject {
  return {
    api_version: null,
    application: null,
    created,
    description: null,
    id: newId('webhook_endpoint'),
    livemode: false,
    metadata: {},
    object: 'webhook_endpoint',
    status: 'enabled',
    ...fields,
  };
}

/** A new billing portal Session. */
export function buildPortalSession(
  created: number,
  baseUrl: string,
  fields: {
    customer: string;
    return_url: string | null;
    locale: string | null;
    configuration: string | null;
  },
): StripeObject {
  const id = newId('billing_portal.session');
  return {
    configuration: fields.configuration ?? 'bpc_simulator_default',
    created,
    customer: fields.customer,
    flow: null,
    id,
    livemode: false,
    locale: fields.locale,
    object: 'billing_portal.session',
    on_behalf_of: null,
    return_url: fields.return_url,
    url: `${baseUrl}/_sim/portal/${id}`,
    customer_account: null,
  };
}

/** A Checkout line item for `quantity` × `price`. */
export function buildLineItem(
  price: PriceObject,
  quantity: number,
  description: string,
): StripeObject {
  const total = (price.unit_amount ?? 0) * quantity;
  return {
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: price.currency,
    description,
    id: newId('item'),
    object: 'item',
    price: { ...price },
    quantity,
    metadata: {},
    adjustable_quantity: null,
  };
}

export interface CheckoutSessionObject extends StripeObject {
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  amount_total: number | null;
  currency: string | null;
  customer: string | null;
  customer_email: string | null;
  customer_creation: 'always' | 'if_required' | null;
  payment_intent: string | null;
  metadata: Metadata;
  expires_at: number;
  success_url: string | null;
  cancel_url: string | null;
  payment_method_types: string[];
}

/** A new (open) Checkout Session. */
export function buildCheckoutSession(
  created: number,
  fields: Partial<CheckoutSessionObject> & { id: string; expires_at: number; url: string },
): CheckoutSessionObject {
  return {
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: null,
    amount_total: null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: null,
    client_reference_id: null,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created,
    currency: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: null,
    customer_creation: null,
    customer_details: null,
    customer_email: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: {},
    mode: 'payment',
    object: 'checkout.session',
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    adaptive_pricing: { enabled: false },
    discounts: [],
    collected_information: null,
    permissions: null,
    wallet_options: null,
    origin_context: null,
    currency_conversion: null,
    customer_account: null,
    integration_identifier: null,
    managed_payments: null,
    ...fields,
  };
}
