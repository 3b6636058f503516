import { invalidParam } from '../errors.js';
import { listWhere, search } from '../listing.js';
import {
  buildPrice,
  buildProduct,
  type Metadata,
  type PriceObject,
  type ProductObject,
} from '../objects/index.js';
import {
  bool,
  endpoint,
  hash,
  int,
  list,
  metadata,
  nonEmpty,
  oneOf,
  pagination,
  rangeFilter,
  str,
} from '../params.js';
import { retrieveRoute, route } from '../route.js';
import type { Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { mergeMetadata } from './customers.js';

const productFields = {
  name: nonEmpty,
  active: bool.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  images: list(str).optional(),
  statement_descriptor: str.optional(),
  tax_code: str.optional(),
  unit_label: str.optional(),
  url: str.optional(),
  shippable: bool.optional(),
  type: oneOf(['good', 'service']).optional(),
};

const recurring = hash({
  interval: oneOf(['day', 'week', 'month', 'year']),
  interval_count: int.optional(),
});

/** The amount and product of a new price, as `POST /v1/prices` and Checkout's `price_data` take them. */
export const priceAmountFields = {
  currency: nonEmpty,
  unit_amount: int.optional(),
  unit_amount_decimal: str.optional(),
  product: str.optional(),
};

const priceFields = {
  ...priceAmountFields,
  product_data: hash({
    name: nonEmpty,
    active: bool.optional(),
    metadata: metadata.optional(),
    statement_descriptor: str.optional(),
    tax_code: str.optional(),
    unit_label: str.optional(),
  }).optional(),
  active: bool.optional(),
  lookup_key: str.optional(),
  transfer_lookup_key: bool.optional(),
  metadata: metadata.optional(),
  nickname: str.optional(),
  recurring: recurring.optional(),
  tax_behavior: oneOf(['exclusive', 'inclusive', 'unspecified']).optional(),
  billing_scheme: oneOf(['per_unit', 'tiered']).optional(),
};

/** Creates a product (metadata set the Stripe way) and emits `product.created`. */
export function createProduct(
  sim: Sim,
  fields: Omit<Partial<ProductObject>, 'metadata'> & { name: string; metadata?: Metadata },
  request: RequestRef | null,
): ProductObject {
  const { metadata: meta, ...rest } = fields;
  const product = buildProduct(sim.clock.now(), { ...rest, metadata: mergeMetadata({}, meta) });
  sim.store.insert(product);
  sim.emit('product.created', product, { request });
  return product;
}

export const productRoutes = [
  route(
    'POST',
    '/v1/products',
    endpoint({
      ...productFields,
      id: str.optional(),
      default_price_data: hash({
        currency: nonEmpty,
        unit_amount: int.optional(),
        metadata: metadata.optional(),
      }).optional(),
    }),
    ({ sim, params, request }) => {
      const { default_price_data, id, ...rest } = params;
      if (id && sim.store.findAny(id)) throw invalidParam('id', `Product already exists.`);
      const product = createProduct(sim, { ...rest, ...(id ? { id } : {}) }, request);
      if (default_price_data) {
        const price = sim.store.insert(
          buildPrice(sim.clock.now(), {
            currency: default_price_data.currency.toLowerCase(),
            product: product.id,
            unit_amount: default_price_data.unit_amount ?? null,
            metadata: mergeMetadata({}, default_price_data.metadata),
          }),
        );
        sim.emit('price.created', price, { request });
        product.default_price = price.id;
      }
      return product;
    },
  ),
  route(
    'GET',
    '/v1/products/search',
    endpoint({ query: str, limit: int.optional(), page: str.optional() }),
    ({ sim, params }) =>
      search(
        sim.store.all('product'),
        params.query,
        ['active', 'name', 'description', 'metadata', 'created', 'url', 'shippable'],
        params,
        '/v1/products/search',
      ),
  ),
  retrieveRoute('product', '/v1/products/:id'),
  route(
    'POST',
    '/v1/products/:id',
    endpoint({ ...productFields, name: str.optional(), default_price: str.optional() }),
    ({ sim, params, path, request }) => {
      const product = sim.store.get<ProductObject>('product', path.id as string);
      const previous: Record<string, unknown> = {};
      const { metadata: meta, ...rest } = params;
      for (const [k, v] of Object.entries(rest)) {
        if (v === undefined || k === 'expand') continue;
        previous[k] = product[k];
        product[k] = v === '' ? null : v;
      }
      if (meta) {
        previous.metadata = product.metadata;
        product.metadata = mergeMetadata(product.metadata, meta);
      }
      product.updated = sim.clock.now();
      sim.emit('product.updated', product, { previous, request });
      return product;
    },
  ),
  route(
    'GET',
    '/v1/products',
    endpoint({
      ...pagination,
      active: bool.optional(),
      ids: list(str).optional(),
      shippable: bool.optional(),
      url: str.optional(),
      created: rangeFilter.optional(),
    }),
    ({ sim, params }) =>
      listWhere(
        sim,
        'product',
        '/v1/products',
        params,
        ['active', 'shippable', 'url'],
        (p) => params.ids === undefined || params.ids.includes(p.id),
      ),
  ),
  route('POST', '/v1/prices', endpoint(priceFields), ({ sim, params, request }) => {
    const {
      product: productId,
      product_data,
      metadata: meta,
      transfer_lookup_key,
      unit_amount_decimal,
      recurring: rec,
      ...rest
    } = params;
    if (!productId && !product_data)
      throw invalidParam('product', 'Missing required param: product.');
    if (productId && product_data) {
      throw invalidParam(
        'product_data',
        'You may only specify one of these parameters: product, product_data.',
      );
    }
    let unitAmount = rest.unit_amount ?? null;
    if (unitAmount === null && unit_amount_decimal !== undefined)
      unitAmount = Math.round(Number(unit_amount_decimal));
    if (unitAmount === null)
      throw invalidParam('unit_amount', 'Missing required param: unit_amount.');
    let product: ProductObject;
    if (productId) {
      product = sim.store.get<ProductObject>('product', productId, 'product', 400);
    } else {
      product = createProduct(sim, product_data ?? { name: '' }, request);
    }
    if (rest.lookup_key) {
      const holder = sim.store
        .all<PriceObject>('price')
        .find((p) => p.lookup_key === rest.lookup_key);
      if (holder && !transfer_lookup_key) {
        throw invalidParam(
          'lookup_key',
          `A price (\`${holder.id}\`) already uses that lookup key.`,
        );
      }
      if (holder) holder.lookup_key = null;
    }
    const price = sim.store.insert(
      buildPrice(sim.clock.now(), {
        ...rest,
        currency: rest.currency.toLowerCase(),
        product: product.id,
        unit_amount: unitAmount,
        unit_amount_decimal: String(unitAmount),
        metadata: mergeMetadata({}, meta),
        ...(rec
          ? {
              type: 'recurring' as const,
              recurring: {
                interval: rec.interval,
                interval_count: rec.interval_count ?? 1,
                meter: null,
                trial_period_days: null,
                usage_type: 'licensed',
              },
            }
          : {}),
      }),
    );
    sim.emit('price.created', price, { request });
    return price;
  }),
  route(
    'GET',
    '/v1/prices/search',
    endpoint({ query: str, limit: int.optional(), page: str.optional() }),
    ({ sim, params }) =>
      search(
        sim.store.all('price'),
        params.query,
        ['active', 'currency', 'lookup_key', 'metadata', 'product', 'type', 'created'],
        params,
        '/v1/prices/search',
      ),
  ),
  retrieveRoute('price', '/v1/prices/:id'),
  route(
    'POST',
    '/v1/prices/:id',
    endpoint({
      active: bool.optional(),
      metadata: metadata.optional(),
      nickname: str.optional(),
      lookup_key: str.optional(),
      transfer_lookup_key: bool.optional(),
      tax_behavior: oneOf(['exclusive', 'inclusive', 'unspecified']).optional(),
    }),
    ({ sim, params, path, request }) => {
      const price = sim.store.get<PriceObject>('price', path.id as string);
      const previous: Record<string, unknown> = {};
      if (params.active !== undefined) {
        previous.active = price.active;
        price.active = params.active;
      }
      if (params.nickname !== undefined) {
        previous.nickname = price.nickname;
        price.nickname = params.nickname === '' ? null : params.nickname;
      }
      if (params.tax_behavior !== undefined) {
        previous.tax_behavior = price.tax_behavior;
        price.tax_behavior = params.tax_behavior;
      }
      if (params.lookup_key !== undefined) {
        const holder = sim.store
          .all<PriceObject>('price')
          .find((p) => p.lookup_key === params.lookup_key && p.id !== price.id);
        if (holder && params.lookup_key !== '' && !params.transfer_lookup_key) {
          throw invalidParam(
            'lookup_key',
            `A price (\`${holder.id}\`) already uses that lookup key.`,
          );
        }
        if (holder) holder.lookup_key = null;
        previous.lookup_key = price.lookup_key;
        price.lookup_key = params.lookup_key === '' ? null : params.lookup_key;
      }
      if (params.metadata) {
        previous.metadata = price.metadata;
        price.metadata = mergeMetadata(price.metadata, params.metadata);
      }
      sim.emit('price.updated', price, { previous, request });
      return price;
    },
  ),
  route(
    'GET',
    '/v1/prices',
    endpoint({
      ...pagination,
      active: bool.optional(),
      product: str.optional(),
      currency: str.optional(),
      type: oneOf(['one_time', 'recurring']).optional(),
      lookup_keys: list(str).optional(),
      created: rangeFilter.optional(),
      recurring: hash({
        interval: str.optional(),
        usage_type: str.optional(),
        meter: str.optional(),
      }).optional(),
    }),
    ({ sim, params }) =>
      listWhere<PriceObject>(
        sim,
        'price',
        '/v1/prices',
        params,
        ['active', 'product', 'type'],
        (p) =>
          (params.currency === undefined || p.currency === params.currency.toLowerCase()) &&
          (params.lookup_keys === undefined ||
            (p.lookup_key !== null && params.lookup_keys.includes(p.lookup_key))),
      ),
  ),
];
