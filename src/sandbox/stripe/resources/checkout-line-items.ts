import type { z } from 'zod';
import { invalidParam } from '../errors.js';
import { buildPrice, type PriceObject, type ProductObject } from '../objects/index.js';
import { bool, hash, int, list, metadata, nonEmpty, oneOf, str } from '../params.js';
import type { Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { createProduct, priceAmountFields } from './products.js';

/** One `line_items[i]` of `POST /v1/checkout/sessions`. */
export const lineItem = hash({
  price: str.optional(),
  quantity: int.optional(),
  price_data: hash({
    ...priceAmountFields,
    product_data: hash({
      name: nonEmpty,
      description: str.optional(),
      images: list(str).optional(),
      metadata: metadata.optional(),
      tax_code: str.optional(),
    }).optional(),
    tax_behavior: oneOf(['exclusive', 'inclusive', 'unspecified']).optional(),
  }).optional(),
  adjustable_quantity: hash({
    enabled: bool,
    maximum: int.optional(),
    minimum: int.optional(),
  }).optional(),
  tax_rates: list(str).optional(),
  dynamic_tax_rates: list(str).optional(),
});

/** Resolves one `line_items[i]` to a stored price (creating inline `price_data` ones). */
export function priceForLine(
  sim: Sim,
  item: z.output<typeof lineItem>,
  i: number,
  request: RequestRef,
): { price: PriceObject; description: string } {
  const param = `line_items[${i}]`;
  if (item.price && item.price_data) {
    throw invalidParam(
      `${param}[price_data]`,
      'You may only specify one of these parameters: price, price_data.',
    );
  }
  if (item.quantity === undefined)
    throw invalidParam(`${param}[quantity]`, `Missing required param: ${param}[quantity].`);
  if (item.price) {
    const price = sim.store.get<PriceObject>('price', item.price, `${param}[price]`, 400);
    if (!price.active) {
      throw invalidParam(
        `${param}[price]`,
        'The price specified is inactive. This field only accepts active prices.',
      );
    }
    if (price.type !== 'one_time') {
      throw invalidParam(
        `${param}[price]`,
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
      );
    }
    const product = sim.store.find<ProductObject>('product', price.product);
    if (product && !product.active) {
      throw invalidParam(`${param}[price]`, 'The price specified belongs to an inactive product.');
    }
    return { price, description: product?.name ?? price.id };
  }
  const data = item.price_data;
  if (!data) throw invalidParam(`${param}[price]`, `Missing required param: ${param}[price].`);
  let product: ProductObject;
  if (data.product) {
    product = sim.store.get<ProductObject>(
      'product',
      data.product,
      `${param}[price_data][product]`,
      400,
    );
  } else if (data.product_data) {
    product = createProduct(sim, data.product_data, request);
  } else {
    throw invalidParam(
      `${param}[price_data][product]`,
      `Missing required param: ${param}[price_data][product].`,
    );
  }
  const amount =
    data.unit_amount ??
    (data.unit_amount_decimal ? Math.round(Number(data.unit_amount_decimal)) : undefined);
  if (amount === undefined) {
    throw invalidParam(
      `${param}[price_data][unit_amount]`,
      `Missing required param: ${param}[price_data][unit_amount].`,
    );
  }
  // Inline prices exist but are not listed among the account's prices in the Dashboard.
  const price = sim.store.insert(
    buildPrice(sim.clock.now(), {
      currency: data.currency.toLowerCase(),
      product: product.id,
      unit_amount: amount,
      active: false,
    }),
  );
  return { price, description: product.name };
}
