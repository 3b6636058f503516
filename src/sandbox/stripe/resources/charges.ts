import { listWhere } from '../listing.js';
import { endpoint, pagination, rangeFilter, str } from '../params.js';
import { retrieveRoute, route } from '../route.js';

export const chargeRoutes = [
  retrieveRoute('charge', '/v1/charges/:id'),
  route(
    'GET',
    '/v1/charges',
    endpoint({
      ...pagination,
      customer: str.optional(),
      payment_intent: str.optional(),
      created: rangeFilter.optional(),
    }),
    ({ sim, params }) =>
      listWhere(sim, 'charge', '/v1/charges', params, ['customer', 'payment_intent']),
  ),
];
