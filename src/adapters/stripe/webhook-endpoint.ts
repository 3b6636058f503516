/**
 * The Stripe webhook endpoint premiumbot needs: `PUBLIC_URL/stripe-webhook` subscribed to
 * every event of DESIGN §5. Ensuring it is idempotent: an existing endpoint for the URL is
 * reused (and repaired), never duplicated.
 */
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from './api-version.js';
import type { StripeClient } from './client.js';
import { stripeFailure } from './errors.js';

/** Every Stripe event the bot handles (DESIGN §5). */
export const STRIPE_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_method.attached',
  'payment_method.detached',
  'charge.refunded',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
] as const;

/** The webhook path served by `premiumbot serve`. */
export const STRIPE_WEBHOOK_PATH = '/stripe-webhook';

/** The endpoint URL for a PUBLIC_URL. */
export function stripeWebhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${STRIPE_WEBHOOK_PATH}`;
}

/** What Stripe says about our endpoint. */
export interface EndpointStatus {
  endpoint?: Stripe.WebhookEndpoint;
  /** Events of STRIPE_EVENTS the endpoint does not receive. */
  missingEvents: string[];
  enabled: boolean;
  /** Other endpoints that also point at a premiumbot URL of this host (informational). */
  others: number;
}

function missingEvents(endpoint: Stripe.WebhookEndpoint): string[] {
  if (endpoint.enabled_events.includes('*')) return [];
  return STRIPE_EVENTS.filter((e) => !endpoint.enabled_events.includes(e));
}

async function listEndpoints(stripe: StripeClient): Promise<Stripe.WebhookEndpoint[]> {
  const all: Stripe.WebhookEndpoint[] = [];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) all.push(endpoint);
  return all;
}

/** Finds the endpoint for `url` and says whether it is complete (for `--check` and doctor). */
export async function inspectWebhookEndpoint(
  stripe: StripeClient,
  url: string,
): Promise<EndpointStatus> {
  let endpoints: Stripe.WebhookEndpoint[];
  try {
    endpoints = await listEndpoints(stripe);
  } catch (cause) {
    throw stripeFailure('listing webhook endpoints', cause);
  }
  const matching = endpoints.filter((e) => e.url === url);
  const endpoint = matching.find((e) => e.status === 'enabled') ?? matching[0];
  return {
    endpoint,
    missingEvents: endpoint ? missingEvents(endpoint) : [...STRIPE_EVENTS],
    enabled: endpoint?.status === 'enabled',
    others: matching.length - (endpoint ? 1 : 0),
  };
}

export type EnsureResult =
  | { action: 'created'; endpoint: Stripe.WebhookEndpoint; secret: string }
  | { action: 'updated'; endpoint: Stripe.WebhookEndpoint; changes: string[] }
  | { action: 'unchanged'; endpoint: Stripe.WebhookEndpoint };

/**
 * Creates the endpoint for `url` when none exists (returning its signing secret, which Stripe
 * reveals only then), or repairs an existing one (missing events, disabled). `recreate`
 * deletes the existing endpoint first, to obtain a new secret.
 */
export async function ensureWebhookEndpoint(
  stripe: StripeClient,
  url: string,
  options: { recreate?: boolean } = {},
): Promise<EnsureResult> {
  const status = await inspectWebhookEndpoint(stripe, url);
  if (status.endpoint && options.recreate) {
    try {
      await stripe.webhookEndpoints.del(status.endpoint.id);
    } catch (cause) {
      throw stripeFailure(`deleting webhook endpoint ${status.endpoint.id}`, cause);
    }
  } else if (status.endpoint) {
    const endpoint = status.endpoint;
    const changes: string[] = [];
    const update: Stripe.WebhookEndpointUpdateParams = {};
    if (status.missingEvents.length > 0) {
      update.enabled_events = [
        ...new Set([...endpoint.enabled_events, ...status.missingEvents]),
      ] as Stripe.WebhookEndpointUpdateParams.EnabledEvent[];
      changes.push(`added events ${status.missingEvents.join(', ')}`);
    }
    if (!status.enabled) {
      update.disabled = false;
      changes.push('re-enabled it');
    }
    if (changes.length === 0) return { action: 'unchanged', endpoint };
    try {
      const updated = await stripe.webhookEndpoints.update(endpoint.id, update);
      return { action: 'updated', endpoint: updated, changes };
    } catch (cause) {
      throw stripeFailure(`updating webhook endpoint ${endpoint.id}`, cause);
    }
  }
  try {
    const created = await stripe.webhookEndpoints.create({
      url,
      enabled_events: [...STRIPE_EVENTS] as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
      api_version: STRIPE_API_VERSION as Stripe.WebhookEndpointCreateParams.ApiVersion,
      description: 'premiumbot (created by `premiumbot set-webhooks`)',
      metadata: { premiumbot: 'true' },
    });
    if (!created.secret)
      throw new Error('Stripe did not return the signing secret of the new endpoint');
    return { action: 'created', endpoint: created, secret: created.secret };
  } catch (cause) {
    throw stripeFailure('creating the webhook endpoint', cause);
  }
}
