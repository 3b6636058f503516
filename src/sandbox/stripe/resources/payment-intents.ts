import { invalidParam, invalidRequest } from '../errors.js';
import { listWhere } from '../listing.js';
import { buildPaymentIntent, type PaymentIntentObject } from '../objects/index.js';
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
import { attemptPayment, resolvePaymentMethod } from '../payments.js';
import { route, type RouteContext } from '../route.js';
import type { Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { mergeMetadata } from './customers.js';

/** `off_session` takes a boolean or `one_off` / `recurring`. */
const offSession = bool.or(oneOf(['one_off', 'recurring']).transform(() => true));

const confirmFields = {
  payment_method: str.optional(),
  off_session: offSession.optional(),
  return_url: str.optional(),
  setup_future_usage: oneOf(['off_session', 'on_session']).optional(),
  error_on_requires_action: bool.optional(),
  mandate: str.optional(),
  payment_method_options: hash({
    card: hash({
      request_three_d_secure: oneOf(['any', 'automatic', 'challenge']).optional(),
    }).optional(),
  }).optional(),
  receipt_email: str.optional(),
  use_stripe_sdk: bool.optional(),
  allowed_payment_method_types: list(str).optional(),
  excluded_payment_method_types: list(str).optional(),
};

const createSchema = endpoint({
  ...confirmFields,
  amount: int,
  currency: nonEmpty,
  customer: str.optional(),
  confirm: bool.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  payment_method_types: list(str).optional(),
  automatic_payment_methods: hash({
    enabled: bool,
    allow_redirects: oneOf(['always', 'never']).optional(),
  }).optional(),
  capture_method: oneOf(['automatic', 'automatic_async', 'manual']).optional(),
  confirmation_method: oneOf(['automatic', 'manual']).optional(),
  statement_descriptor: str.optional(),
  statement_descriptor_suffix: str.optional(),
  transfer_group: str.optional(),
});

type ConfirmParams = {
  payment_method?: string | undefined;
  off_session?: boolean | undefined;
  setup_future_usage?: 'off_session' | 'on_session' | undefined;
  error_on_requires_action?: boolean | undefined;
  receipt_email?: string | undefined;
};

/** Confirms `pi` (create with `confirm=true`, or `/confirm`); throws the 402 on a decline. */
function confirmIntent(
  sim: Sim,
  pi: PaymentIntentObject,
  params: ConfirmParams,
  request: RequestRef,
): void {
  if (params.setup_future_usage) pi.setup_future_usage = params.setup_future_usage;
  if (params.receipt_email) pi.receipt_email = params.receipt_email;
  const pmId = params.payment_method ?? pi.payment_method;
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass `payment_method`.",
      'payment_method',
      'payment_intent_unexpected_state',
    );
  }
  const pm = resolvePaymentMethod(sim, pmId);
  const error = attemptPayment(sim, pi, pm, {
    offSession: params.off_session ?? false,
    errorOnRequiresAction: params.error_on_requires_action ?? false,
    request,
  });
  if (error) throw error;
}

function retrieve({ sim, path }: RouteContext<unknown>) {
  return sim.store.get('payment_intent', path.id as string);
}

export const paymentIntentRoutes = [
  route('POST', '/v1/payment_intents', createSchema, ({ sim, params, request }) => {
    if (params.amount < 50) throw invalidParam('amount', 'Amount must be at least $0.50 usd');
    if (params.off_session && !params.confirm) {
      throw invalidParam(
        'off_session',
        'You can only pass in `off_session` when `confirm` is set to true.',
      );
    }
    if (params.customer) sim.store.get('customer', params.customer, 'customer', 400);
    const pi = sim.store.insert(
      buildPaymentIntent(sim.clock.now(), {
        amount: params.amount,
        currency: params.currency.toLowerCase(),
        customer: params.customer ?? null,
        description: params.description ?? null,
        metadata: mergeMetadata({}, params.metadata),
        setup_future_usage: params.setup_future_usage ?? null,
        receipt_email: params.receipt_email ?? null,
        statement_descriptor: params.statement_descriptor ?? null,
        statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
        transfer_group: params.transfer_group ?? null,
        capture_method: params.capture_method ?? 'automatic',
        confirmation_method: params.confirmation_method ?? 'automatic',
        payment_method_types: params.payment_method_types ??
          params.allowed_payment_method_types ?? ['card'],
        automatic_payment_methods:
          (params.payment_method_types ?? params.allowed_payment_method_types)
            ? null
            : {
                enabled: params.automatic_payment_methods?.enabled ?? true,
                allow_redirects: params.automatic_payment_methods?.allow_redirects ?? 'always',
              },
      }),
    );
    if (params.payment_method) {
      pi.payment_method = resolvePaymentMethod(sim, params.payment_method).id;
      pi.status = 'requires_confirmation';
    }
    sim.emit('payment_intent.created', pi, { request });
    if (params.confirm)
      confirmIntent(
        sim,
        pi,
        { ...params, payment_method: pi.payment_method ?? undefined },
        request,
      );
    return pi;
  }),
  route('GET', '/v1/payment_intents/:id', endpoint({ client_secret: str.optional() }), retrieve),
  route(
    'POST',
    '/v1/payment_intents/:id/confirm',
    endpoint(confirmFields),
    ({ sim, params, path, request }) => {
      const pi = sim.store.get<PaymentIntentObject>('payment_intent', path.id as string);
      if (
        !['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)
      ) {
        throw invalidRequest(
          `This PaymentIntent's status is ${pi.status}, but must be one of requires_payment_method, requires_confirmation, or requires_action to be confirmed.`,
          undefined,
          'payment_intent_unexpected_state',
        );
      }
      confirmIntent(sim, pi, params, request);
      return pi;
    },
  ),
  route(
    'POST',
    '/v1/payment_intents/:id/cancel',
    endpoint({
      cancellation_reason: oneOf([
        'abandoned',
        'duplicate',
        'fraudulent',
        'requested_by_customer',
      ]).optional(),
    }),
    ({ sim, params, path, request }) => {
      const pi = sim.store.get<PaymentIntentObject>('payment_intent', path.id as string);
      if (['succeeded', 'canceled', 'processing'].includes(pi.status)) {
        throw invalidRequest(
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
          undefined,
          'payment_intent_unexpected_state',
        );
      }
      pi.status = 'canceled';
      pi.canceled_at = sim.clock.now();
      pi.cancellation_reason = params.cancellation_reason ?? null;
      sim.emit('payment_intent.canceled', pi, { request });
      return pi;
    },
  ),
  route(
    'GET',
    '/v1/payment_intents',
    endpoint({ ...pagination, customer: str.optional(), created: rangeFilter.optional() }),
    ({ sim, params }) =>
      listWhere(sim, 'payment_intent', '/v1/payment_intents', params, ['customer']),
  ),
];
