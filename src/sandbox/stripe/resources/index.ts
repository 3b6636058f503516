import type { Route } from '../route.js';
import { billingPortalRoutes } from './billing-portal.js';
import { chargeRoutes } from './charges.js';
import { checkoutRoutes } from './checkout.js';
import { customerRoutes } from './customers.js';
import { disputeRoutes } from './disputes.js';
import { eventRoutes } from './events.js';
import { paymentIntentRoutes } from './payment-intents.js';
import { paymentMethodRoutes } from './payment-methods.js';
import { productRoutes } from './products.js';
import { refundRoutes } from './refunds.js';
import { webhookEndpointRoutes } from './webhook-endpoints.js';

/** Every Stripe endpoint the simulator serves, in match order (literal paths before `:id`). */
export const stripeRoutes: readonly Route[] = [
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...productRoutes,
  ...checkoutRoutes,
  ...billingPortalRoutes,
  ...paymentIntentRoutes,
  ...refundRoutes,
  ...chargeRoutes,
  ...disputeRoutes,
  ...webhookEndpointRoutes,
  ...eventRoutes,
];
