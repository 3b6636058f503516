import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';

/** Metadata as Stripe keeps it: string keys to string values. */
export type Metadata = Record<string, string>;

/** An address with every line unset. */
export const emptyAddress = () => ({
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
