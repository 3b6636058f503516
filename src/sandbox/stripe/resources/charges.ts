import { inRange, paginate } from '../listing.js';
import type { ChargeObject } from '../objects.js';
import { endpoint, pagination, rangeFilter, str } from '../params.js';
import { route } from '../route.js';

export const chargeRoutes = [
  route('GET', '/v1/charges/:id', endpoint({}), ({ sim, path }) =>
    sim.store.get('charge', path.id as string),
  ),
  route(
    'GET',
    '/v1/charges',
    endpoint({
      ...pagination,
      customer: str.optional(),
      payment_intent: str.optional(),
      created: rangeFilter.optional(),
    }),
    ({ sim, params }) => {
      const items = sim.store
        .all<ChargeObject>('charge')
        .filter(
          (c) =>
            (params.customer === undefined || c.customer === params.customer) &&
            (params.payment_intent === undefined || c.payment_intent === params.payment_intent) &&
            inRange(c.created as number, params.created),
        );
      return paginate(sim, 'charge', items, params, '/v1/charges');
    },
  ),
];
