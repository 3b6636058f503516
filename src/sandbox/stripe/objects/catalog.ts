import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';
import type { Metadata } from './customer.js';

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
