import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';
import type { PriceObject } from './catalog.js';
import type { Metadata } from './customer.js';

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
