import { buildPortalSession } from '../objects/index.js';
import { endpoint, hash, str } from '../params.js';
import { route } from '../route.js';

export const billingPortalRoutes = [
  route(
    'POST',
    '/v1/billing_portal/sessions',
    endpoint({
      customer: str,
      return_url: str.optional(),
      configuration: str.optional(),
      locale: str.optional(),
      on_behalf_of: str.optional(),
      flow_data: hash({
        type: str,
        after_completion: hash({
          type: str,
          redirect: hash({ return_url: str }).optional(),
          hosted_confirmation: hash({ custom_message: str.optional() }).optional(),
        }).optional(),
        payment_method_update: hash({}).optional(),
      }).optional(),
    }),
    ({ sim, params }) => {
      const customer = sim.store.get('customer', params.customer, 'customer', 400);
      return sim.store.insert(
        buildPortalSession(sim.clock.now(), sim.baseUrl(), {
          customer: customer.id,
          return_url: params.return_url ?? null,
          locale: params.locale ?? null,
          configuration: params.configuration ?? null,
        }),
      );
    },
  ),
];
