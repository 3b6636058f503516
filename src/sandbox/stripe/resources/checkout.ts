import { SimulatorControlError } from '../control-error.js';
import { invalidParam, invalidRequest, type StripeErrorBody } from '../errors.js';
import { newId } from '../ids.js';
import { inRange, paginate } from '../listing.js';
import {
  buildCheckoutSession,
  buildLineItem,
  buildPaymentIntent,
  buildPrice,
  buildProduct,
  type CardDetails,
  type ChargeObject,
  type CheckoutSessionObject,
  type CustomerObject,
  type PaymentIntentObject,
  type PaymentMethodObject,
  type PriceObject,
  type ProductObject,
} from '../objects.js';
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
import {
  attachPaymentMethod,
  attemptPayment,
  createPaymentMethod,
  settleProcessing,
} from '../payments.js';
import { route } from '../route.js';
import { previousOf, type Sim } from '../sim.js';
import type { RequestRef, StripeObject } from '../store.js';
import { createCustomer, mergeMetadata } from './customers.js';

const lineItem = hash({
  price: str.optional(),
  quantity: int.optional(),
  price_data: hash({
    currency: nonEmpty,
    unit_amount: int.optional(),
    unit_amount_decimal: str.optional(),
    product: str.optional(),
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

/** Resolves one `line_items[i]` to a stored price (creating inline `price_data` ones). */
function priceForLine(
  sim: Sim,
  item: NonNullable<ReturnType<typeof createSchema.parse>['line_items']>[number],
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
    const { metadata: meta, ...rest } = data.product_data;
    product = sim.store.insert(
      buildProduct(sim.clock.now(), { ...rest, metadata: mergeMetadata({}, meta) }),
    );
    sim.emit('product.created', product, { request });
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

/** Expires due open sessions (Stripe does it on its own at `expires_at`). */
export function expireDueSessions(sim: Sim): void {
  const now = sim.clock.now();
  for (const s of sim.store.all<CheckoutSessionObject>('checkout.session')) {
    if (s.status === 'open' && s.expires_at <= now) expireSession(sim, s, null);
  }
}

function expireSession(
  sim: Sim,
  session: CheckoutSessionObject,
  request: RequestRef | null,
): CheckoutSessionObject {
  const previous = previousOf(session, ['status']);
  session.status = 'expired';
  session.url = null;
  sim.emit('checkout.session.expired', session, { previous, request });
  return session;
}

/** Expires an open Checkout Session (`POST …/expire`, or a simulated abandonment). */
export function expireCheckoutSession(
  sim: Sim,
  id: string,
  request: RequestRef | null,
): CheckoutSessionObject {
  const session = sim.store.get<CheckoutSessionObject>('checkout.session', id);
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of ${session.status}.`,
      undefined,
      'checkout_session_unexpected_state',
    );
  }
  return expireSession(sim, session, request);
}

export interface PayCheckoutOptions {
  /** A delayed-notification method (bank debit): completes `unpaid`, settles with `settleAsync`. */
  async?: boolean;
  /** The card is declined on the page (`true` = generic decline): the session stays open. */
  fail?: boolean | 'card_declined' | 'insufficient_funds';
  /** Payment method type; `card` unless `async` (then `us_bank_account`). */
  paymentMethod?: string;
  /** The fan ticks "save my card" (needs a customer); implied by `setup_future_usage`. */
  saveCard?: boolean;
  card?: Partial<CardDetails>;
  email?: string;
  name?: string;
}

export interface PayCheckoutResult {
  session: CheckoutSessionObject;
  paymentIntent: PaymentIntentObject;
  paymentMethod: PaymentMethodObject;
  charge: ChargeObject | null;
  /** The decline shown on the page, when `fail` was asked. */
  error: StripeErrorBody | null;
  /** Where the browser goes next: `success_url` with `{CHECKOUT_SESSION_ID}` filled in (null on failure). */
  redirectUrl: string | null;
}

/** Pays an open Checkout Session as a fan would on the hosted page, with Stripe's events. */
export function payCheckoutSession(
  sim: Sim,
  id: string,
  options: PayCheckoutOptions = {},
): PayCheckoutResult {
  expireDueSessions(sim);
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  if (session.status !== 'open') {
    throw new SimulatorControlError(
      `Checkout Session ${id} is ${session.status}; only open sessions can be paid.`,
      409,
    );
  }
  const intentData = sim.checkoutIntentData.get(id) ?? {};
  const save =
    intentData.setup_future_usage !== undefined ||
    (options.saveCard === true &&
      (session.saved_payment_method_options as { payment_method_save?: string } | null)
        ?.payment_method_save !== 'disabled');
  const email = options.email ?? session.customer_email ?? 'fan@example.com';
  let customerId = session.customer;
  if (!customerId && (session.customer_creation === 'always' || save)) {
    customerId = createCustomer(sim, { email, name: options.name ?? null }, null).id;
  }
  const customer = customerId ? sim.store.find<CustomerObject>('customer', customerId) : undefined;
  const pmType = options.paymentMethod ?? (options.async ? 'us_bank_account' : 'card');
  const pm = createPaymentMethod(sim, pmType, options.card);
  pm.billing_details = {
    ...(pm.billing_details as object),
    email: customer?.email ?? email,
    name: options.name ?? null,
  };
  const pi = sim.store.insert(
    buildPaymentIntent(sim.clock.now(), {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      customer: customerId,
      description: intentData.description ?? null,
      metadata: { ...(intentData.metadata ?? {}) },
      setup_future_usage: intentData.setup_future_usage ?? null,
      receipt_email: intentData.receipt_email ?? null,
      statement_descriptor: intentData.statement_descriptor ?? null,
      statement_descriptor_suffix: intentData.statement_descriptor_suffix ?? null,
      payment_method_types: [pmType],
    }),
  );
  sim.emit('payment_intent.created', pi, { request: null });
  session.payment_intent = pi.id;
  const decline = options.fail === true ? 'card_declined' : options.fail || undefined;
  if (save && customerId && !decline) {
    pm.allow_redisplay = options.saveCard ? 'always' : 'limited';
    attachPaymentMethod(sim, pm, customerId, null);
  }
  const error = attemptPayment(sim, pi, pm, {
    offSession: false,
    behavior: decline ?? 'succeed',
    async: options.async ?? false,
    request: null,
  });
  const charge = pi.latest_charge
    ? (sim.store.find<ChargeObject>('charge', pi.latest_charge) ?? null)
    : null;
  if (error) {
    // Stripe has no Checkout event for a declined attempt; the session simply stays open.
    return {
      session,
      paymentIntent: pi,
      paymentMethod: pm,
      charge,
      error: error.body,
      redirectUrl: null,
    };
  }
  session.status = 'complete';
  session.payment_status = options.async ? 'unpaid' : 'paid';
  session.customer = customerId;
  session.customer_details = {
    address: {
      city: null,
      country: 'US',
      line1: null,
      line2: null,
      postal_code: null,
      state: null,
    },
    email: customer?.email ?? email,
    name: options.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
    business_name: null,
    individual_name: null,
  };
  session.url = null;
  sim.emit('checkout.session.completed', session, { request: null });
  const redirectUrl = session.success_url
    ? session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id)
    : null;
  return { session, paymentIntent: pi, paymentMethod: pm, charge, error: null, redirectUrl };
}

/** Settles a completed, still-unpaid (async) Checkout Session: `async_payment_succeeded|failed`. */
export function settleCheckoutSession(
  sim: Sim,
  id: string,
  succeed: boolean,
): CheckoutSessionObject {
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  const pi = session.payment_intent
    ? sim.store.find<PaymentIntentObject>('payment_intent', session.payment_intent)
    : undefined;
  if (
    session.status !== 'complete' ||
    session.payment_status !== 'unpaid' ||
    !pi ||
    pi.status !== 'processing'
  ) {
    throw new SimulatorControlError(
      `Checkout Session ${id} has no pending asynchronous payment to settle.`,
      409,
    );
  }
  settleProcessing(sim, pi, succeed);
  if (succeed) {
    const previous = previousOf(session, ['payment_status']);
    session.payment_status = 'paid';
    sim.emit('checkout.session.async_payment_succeeded', session, { previous, request: null });
  } else {
    sim.emit('checkout.session.async_payment_failed', session, { request: null });
  }
  return session;
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
  route('GET', '/v1/checkout/sessions/:id', endpoint({}), ({ sim, path }) =>
    sim.store.get('checkout.session', path.id as string),
  ),
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
    ({ sim, params }) => {
      const items = sim.store
        .all<CheckoutSessionObject>('checkout.session')
        .filter(
          (s) =>
            (params.customer === undefined || s.customer === params.customer) &&
            (params.payment_intent === undefined || s.payment_intent === params.payment_intent) &&
            (params.status === undefined || s.status === params.status) &&
            (params.customer_details === undefined ||
              (s.customer_details as { email?: string } | null)?.email ===
                params.customer_details.email) &&
            inRange(s.created as number, params.created),
        );
      return paginate(sim, 'checkout.session', items, params, '/v1/checkout/sessions');
    },
  ),
];
