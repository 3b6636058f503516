import { invalidRequest, noSuch } from '../errors.js';
import { paginate } from '../listing.js';
import type { PaymentMethodObject } from '../objects/index.js';
import { endpoint, pagination, str } from '../params.js';
import { attachPaymentMethod, resolvePaymentMethod } from '../payments.js';
import { retrieveRoute, route } from '../route.js';
import type { Sim } from '../sim.js';

const listFilters = { ...pagination, type: str.optional(), allow_redisplay: str.optional() };

function listFor(
  sim: Sim,
  customer: string | undefined,
  type: string | undefined,
  params: object,
  url: string,
) {
  const items = sim.store
    .all<PaymentMethodObject>('payment_method')
    .filter(
      (pm) =>
        (customer === undefined ? pm.customer !== null : pm.customer === customer) &&
        (type === undefined || pm.type === type),
    );
  return paginate(sim, 'payment_method', items, params, url);
}

export const paymentMethodRoutes = [
  route(
    'GET',
    '/v1/customers/:id/payment_methods',
    endpoint(listFilters),
    ({ sim, params, path }) => {
      const customer = sim.store.get('customer', path.id as string);
      return listFor(
        sim,
        customer.id,
        params.type,
        params,
        `/v1/customers/${customer.id}/payment_methods`,
      );
    },
  ),
  route('GET', '/v1/customers/:customer/payment_methods/:id', endpoint({}), ({ sim, path }) => {
    const pm = sim.store.get<PaymentMethodObject>('payment_method', path.id as string);
    if (pm.customer !== path.customer) throw noSuch('payment_method', pm.id);
    return pm;
  }),
  route(
    'GET',
    '/v1/payment_methods',
    endpoint({ ...listFilters, customer: str.optional() }),
    ({ sim, params }) => {
      if (params.customer) sim.store.get('customer', params.customer, 'customer', 400);
      return listFor(sim, params.customer, params.type, params, '/v1/payment_methods');
    },
  ),
  retrieveRoute('payment_method', '/v1/payment_methods/:id'),
  route(
    'POST',
    '/v1/payment_methods/:id/attach',
    endpoint({ customer: str }),
    ({ sim, params, path, request }) => {
      const customer = sim.store.get('customer', params.customer, 'customer', 400);
      const pm = resolvePaymentMethod(sim, path.id as string, 'payment_method');
      attachPaymentMethod(sim, pm, customer.id, request);
      return pm;
    },
  ),
  route('POST', '/v1/payment_methods/:id/detach', endpoint({}), ({ sim, path, request }) => {
    const pm = sim.store.get<PaymentMethodObject>('payment_method', path.id as string);
    if (!pm.customer) {
      throw invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        undefined,
        'payment_method_unexpected_state',
      );
    }
    const previous = { customer: pm.customer };
    pm.customer = null;
    sim.emit('payment_method.detached', pm, { previous, request });
    return pm;
  }),
];
