import { invalidParam, invalidRequest } from '../errors.js';
import { newId } from '../ids.js';
import { listWhere } from '../listing.js';
import {
  buildCheckoutSession,
  buildLineItem,
  type CheckoutSessionObject,
} from '../objects/index.js';
import {
  bool,
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
import type { StripeObject } from '../store.js';
import { expireCheckoutSession } from './checkout-actions.js';
import { lineItem, priceForLine } from './checkout-line-items.js';
import { mergeMetadata } from './customers.js';

const createSchema = endpoint({
  mode: oneOf(['payment', 'setup', 'subscription']),
  line_items: list(lineItem).optional(),
  success_url: str.optional(),
  cancel_url: str.optional(),
  return_url: str.optional(),
  client_reference_id: str.optional(),
  customer: str.optional(),
  customer_email: str.optional(),
  customer_creation: oneOf(['always', 'if_required']).optional(),
  customer_update: hash({
    address: oneOf(['auto', 'never']).optional(),
    name: oneOf(['auto', 'never']).optional(),
    shipping: oneOf(['auto', 'never']).optional(),
  }).optional(),
  metadata: metadata.optional(),
  locale: str.optional(),
  expires_at: int.optional(),
  // `payment_method_types` for older API versions; the pinned one names it `allowed_…`.
  payment_method_types: list(str).optional(),
  allowed_payment_method_types: list(str).optional(),
  excluded_payment_method_types: list(str).optional(),
  payment_method_options: hash({
    card: hash({
      setup_future_usage: oneOf(['off_session', 'on_session']).optional(),
      request_three_d_secure: oneOf(['any', 'automatic', 'challenge']).optional(),
    }).optional(),
  }).optional(),
  payment_intent_data: hash({
    setup_future_usage: oneOf(['off_session', 'on_session']).optional(),
    metadata: metadata.optional(),
    description: str.optional(),
    capture_method: oneOf(['automatic', 'automatic_async', 'manual']).optional(),
    receipt_email: str.optional(),
    statement_descriptor: str.optional(),
    statement_descriptor_suffix: str.optional(),
    transfer_group: str.optional(),
  }).optional(),
  saved_payment_method_options: hash({
    allow_redisplay_filters: list(oneOf(['always', 'limited', 'unspecified'])).optional(),
    payment_method_save: oneOf(['enabled', 'disabled']).optional(),
    payment_method_remove: oneOf(['enabled', 'disabled']).optional(),
  }).optional(),
  allow_promotion_codes: bool.optional(),
  billing_address_collection: oneOf(['auto', 'required']).optional(),
  submit_type: oneOf(['auto', 'book', 'donate', 'pay', 'subscribe']).optional(),
  ui_mode: oneOf(['hosted', 'embedded', 'custom']).optional(),
  phone_number_collection: hash({ enabled: bool }).optional(),
  custom_text: hash({
    submit: hash({ message: str }).optional(),
    after_submit: hash({ message: str }).optional(),
  }).optional(),
});

function isUrl(value: string): boolean {
  try {
    new URL(value.replace('{CHECKOUT_SESSION_ID}', 'x'));
    return true;
  } catch {
    return false;
  }
}

export const checkoutRoutes = [
  route('POST', '/v1/checkout/sessions', createSchema, ({ sim, params, request }) => {
    if (params.mode !== 'payment') {
      throw invalidParam(
        'mode',
        'The Stripe simulator supports Checkout Sessions in `payment` mode only.',
      );
    }
    if ((params.ui_mode ?? 'hosted') !== 'hosted') {
      throw invalidParam('ui_mode', 'The Stripe simulator supports hosted Checkout Sessions only.');
    }
    for (const key of ['success_url', 'cancel_url'] as const) {
      const value = params[key];
      if (value !== undefined && !isUrl(value)) throw invalidParam(key, 'Not a valid URL');
    }
    if (params.customer && params.customer_email) {
      throw invalidRequest(
        'You may only specify one of these parameters: customer, customer_email.',
        'customer_email',
      );
    }
    if (params.customer && params.customer_creation) {
      throw invalidParam(
        'customer_creation',
        '`customer_creation` can only be used when `customer` is not set.',
      );
    }
    if (params.customer) sim.store.get('customer', params.customer, 'customer', 400);
    const now = sim.clock.now();
    const expiresAt = params.expires_at ?? now + 24 * 3600;
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
      throw invalidParam(
        'expires_at',
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
      );
    }
    const items = params.line_items ?? [];
    if (items.length === 0)
      throw invalidParam('line_items', 'You must provide at least one line item.');
    const resolved = items.map((item, i) => priceForLine(sim, item, i, request));
    const currency = resolved[0]?.price.currency ?? 'usd';
    if (resolved.some((r) => r.price.currency !== currency)) {
      throw invalidParam(
        'line_items',
        'All prices on a Checkout Session must have the same currency.',
      );
    }
    const lines = resolved.map((r, i) =>
      buildLineItem(r.price, items[i]?.quantity ?? 1, r.description),
    );
    const total = lines.reduce((sum, l) => sum + (l.amount_total as number), 0);
    const id = newId('checkout.session');
    const spmo = params.saved_payment_method_options;
    const session = buildCheckoutSession(now, {
      id,
      url: `${sim.baseUrl()}/_sim/checkout/${id}`,
      expires_at: expiresAt,
      amount_subtotal: total,
      amount_total: total,
      currency,
      success_url: params.success_url ?? null,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      customer: params.customer ?? null,
      customer_email: params.customer_email ?? null,
      customer_creation: params.customer ? null : (params.customer_creation ?? 'if_required'),
      metadata: mergeMetadata({}, params.metadata),
      locale: params.locale ?? null,
      payment_method_types: params.payment_method_types ??
        params.allowed_payment_method_types ?? ['card'],
      allow_promotion_codes: params.allow_promotion_codes ?? null,
      billing_address_collection: params.billing_address_collection ?? null,
      submit_type: params.submit_type ?? null,
      phone_number_collection: { enabled: params.phone_number_collection?.enabled ?? false },
      saved_payment_method_options:
        spmo || params.customer
          ? {
              allow_redisplay_filters: spmo?.allow_redisplay_filters ?? ['always'],
              payment_method_remove: spmo?.payment_method_remove ?? null,
              payment_method_save: spmo?.payment_method_save ?? null,
            }
          : null,
    });
    sim.store.insert(session);
    sim.lineItems.set(id, lines);
    const pid = params.payment_intent_data;
    sim.checkoutIntentData.set(id, {
      setup_future_usage:
        pid?.setup_future_usage ?? params.payment_method_options?.card?.setup_future_usage,
      metadata: pid?.metadata,
      description: pid?.description,
      receipt_email: pid?.receipt_email,
      statement_descriptor: pid?.statement_descriptor,
      statement_descriptor_suffix: pid?.statement_descriptor_suffix,
    });
    return session;
  }),
  retrieveRoute('checkout.session', '/v1/checkout/sessions/:id'),
  route(
    'GET',
    '/v1/checkout/sessions/:id/line_items',
    endpoint(pagination),
    ({ sim, params, path }) => {
      const session = sim.store.get('checkout.session', path.id as string);
      const lines: StripeObject[] = sim.lineItems.get(session.id) ?? [];
      const limit = params.limit ?? 10;
      let start = 0;
      if (params.starting_after) start = lines.findIndex((l) => l.id === params.starting_after) + 1;
      const data = lines.slice(start, start + limit);
      return {
        object: 'list',
        data,
        has_more: lines.length > start + limit,
        url: `/v1/checkout/sessions/${session.id}/line_items`,
      };
    },
  ),
  route('POST', '/v1/checkout/sessions/:id/expire', endpoint({}), ({ sim, path, request }) =>
    expireCheckoutSession(sim, path.id as string, request),
  ),
  route(
    'GET',
    '/v1/checkout/sessions',
    endpoint({
      ...pagination,
      customer: str.optional(),
      payment_intent: str.optional(),
      payment_link: str.optional(),
      status: oneOf(['complete', 'expired', 'open']).optional(),
      subscription: str.optional(),
      created: rangeFilter.optional(),
      customer_details: hash({ email: str }).optional(),
    }),
    ({ sim, params }) =>
      listWhere<CheckoutSessionObject>(
        sim,
        'checkout.session',
        '/v1/checkout/sessions',
        params,
        ['customer', 'payment_intent', 'status'],
        (s) =>
          params.customer_details === undefined ||
          (s.customer_details as { email?: string } | null)?.email ===
            params.customer_details.email,
      ),
  ),
];
