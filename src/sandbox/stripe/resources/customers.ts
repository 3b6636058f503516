import { listWhere, search } from '../listing.js';
import {
  buildCustomer,
  emptyAddress,
  type CustomerObject,
  type Metadata,
} from '../objects/index.js';
import {
  endpoint,
  hash,
  int,
  list,
  metadata,
  oneOf,
  pagination,
  rangeFilter,
  str,
} from '../params.js';
import { retrieveRoute, route } from '../route.js';
import type { Sim } from '../sim.js';
import type { RequestRef } from '../store.js';

const addressHash = hash({
  city: str.optional(),
  country: str.optional(),
  line1: str.optional(),
  line2: str.optional(),
  postal_code: str.optional(),
  state: str.optional(),
});

const writable = {
  email: str.optional(),
  name: str.optional(),
  description: str.optional(),
  phone: str.optional(),
  metadata: metadata.optional(),
  address: addressHash.optional(),
  preferred_locales: list(str).optional(),
  invoice_settings: hash({ default_payment_method: str.optional() }).optional(),
  tax_exempt: oneOf(['exempt', 'none', 'reverse']).optional(),
  business_name: str.optional(),
  individual_name: str.optional(),
};

/** Merges `metadata[...]` updates the Stripe way: an empty value deletes the key. */
export function mergeMetadata(current: Metadata, update: Metadata | undefined): Metadata {
  if (!update) return current;
  const out = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Empty strings unset a field on update. */
const orNull = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);

/** Creates a customer and emits `customer.created`. */
export function createCustomer(
  sim: Sim,
  fields: Partial<CustomerObject>,
  request: RequestRef | null,
): CustomerObject {
  const customer = sim.store.insert(buildCustomer(sim.clock.now(), fields));
  sim.emit('customer.created', customer, { request });
  return customer;
}

export const customerRoutes = [
  route(
    'POST',
    '/v1/customers',
    endpoint({ ...writable, payment_method: str.optional() }),
    ({ sim, params, request }) => {
      // Business and individual names exist only on newer API versions' customers: accepted, not kept.
      const {
        metadata: meta,
        invoice_settings,
        address,
        payment_method,
        business_name: _business,
        individual_name: _individual,
        ...rest
      } = params;
      const customer = createCustomer(
        sim,
        {
          ...rest,
          metadata: mergeMetadata({}, meta),
          ...(address
            ? {
                address: { ...emptyAddress(), ...address },
              }
            : {}),
        },
        request,
      );
      if (invoice_settings?.default_payment_method) {
        customer.invoice_settings.default_payment_method = invoice_settings.default_payment_method;
      }
      if (payment_method) {
        const pm = sim.store.get('payment_method', payment_method, 'payment_method', 400);
        pm.customer = customer.id;
        sim.emit('payment_method.attached', pm, { request });
      }
      return customer;
    },
  ),
  route(
    'GET',
    '/v1/customers/search',
    endpoint({ query: str, limit: int.optional(), page: str.optional() }),
    ({ sim, params }) =>
      search(
        sim.store.all('customer'),
        params.query,
        ['email', 'name', 'phone', 'metadata', 'created'],
        params,
        '/v1/customers/search',
      ),
  ),
  retrieveRoute('customer', '/v1/customers/:id'),
  route('POST', '/v1/customers/:id', endpoint(writable), ({ sim, params, path, request }) => {
    const customer = sim.store.get<CustomerObject>('customer', path.id as string);
    const before = structuredClone(customer);
    if (params.email !== undefined) customer.email = orNull(params.email) ?? null;
    if (params.name !== undefined) customer.name = orNull(params.name) ?? null;
    if (params.description !== undefined) customer.description = orNull(params.description);
    if (params.phone !== undefined) customer.phone = orNull(params.phone);
    if (params.preferred_locales) customer.preferred_locales = params.preferred_locales;
    if (params.tax_exempt !== undefined) customer.tax_exempt = params.tax_exempt;
    if (params.address) customer.address = { ...(customer.address as object), ...params.address };
    customer.metadata = mergeMetadata(customer.metadata, params.metadata);
    if (params.invoice_settings?.default_payment_method !== undefined) {
      customer.invoice_settings.default_payment_method =
        orNull(params.invoice_settings.default_payment_method) ?? null;
    }
    const previous = Object.fromEntries(
      Object.keys(before)
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(customer[k]))
        .map((k) => [k, before[k]]),
    );
    sim.emit('customer.updated', customer, { previous, request });
    return customer;
  }),
  route('DELETE', '/v1/customers/:id', endpoint({}), ({ sim, path, request }) => {
    const customer = sim.store.get('customer', path.id as string);
    sim.store.remove('customer', customer.id);
    sim.emit('customer.deleted', customer, { request });
    return { id: customer.id, object: 'customer', deleted: true };
  }),
  route(
    'GET',
    '/v1/customers',
    endpoint({
      ...pagination,
      email: str.optional(),
      created: rangeFilter.optional(),
      test_clock: str.optional(),
    }),
    ({ sim, params }) => listWhere(sim, 'customer', '/v1/customers', params, ['email']),
  ),
];
