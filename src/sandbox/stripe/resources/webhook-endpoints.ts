import { invalidParam } from '../errors.js';
import { base62 } from '../ids.js';
import { paginate } from '../listing.js';
import { buildWebhookEndpoint, type WebhookEndpointObject } from '../objects/index.js';
import { bool, endpoint, list, metadata, pagination, str } from '../params.js';
import { retrieveRoute, route } from '../route.js';
import type { Sim } from '../sim.js';
import type { RequestRef } from '../store.js';
import { mergeMetadata } from './customers.js';

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidParam('url', 'Invalid URL: URL must be formatted like https://example.com/path.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidParam('url', 'Invalid URL: URL must be formatted like https://example.com/path.');
  }
}

function checkEvents(events: readonly string[]): void {
  if (events.length === 0)
    throw invalidParam('enabled_events', 'Missing required param: enabled_events.');
  events.forEach((e, i) => {
    if (e !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(e)) {
      throw invalidParam(`enabled_events[${i}]`, `Invalid event type: ${e}`);
    }
  });
}

export interface CreatedEndpoint {
  endpoint: WebhookEndpointObject;
  secret: string;
}

/** Registers a webhook endpoint and its fresh `whsec_…` signing secret. */
export function createWebhookEndpoint(
  sim: Sim,
  fields: {
    url: string;
    enabled_events: string[];
    description?: string | undefined;
    metadata?: Record<string, string> | undefined;
    api_version?: string | undefined;
  },
  _request: RequestRef | null,
): CreatedEndpoint {
  checkUrl(fields.url);
  checkEvents(fields.enabled_events);
  const endpointObject = sim.store.insert(
    buildWebhookEndpoint(sim.clock.now(), {
      url: fields.url,
      enabled_events: fields.enabled_events,
      description: fields.description ?? null,
      metadata: mergeMetadata({}, fields.metadata),
      api_version: fields.api_version ?? null,
    }),
  );
  const secret = `whsec_${base62(32)}`;
  sim.webhookSecrets.set(endpointObject.id, secret);
  return { endpoint: endpointObject, secret };
}

export const webhookEndpointRoutes = [
  route(
    'POST',
    '/v1/webhook_endpoints',
    endpoint({
      url: str,
      enabled_events: list(str),
      description: str.optional(),
      metadata: metadata.optional(),
      api_version: str.optional(),
      connect: bool.optional(),
    }),
    ({ sim, params, request }) => {
      const created = createWebhookEndpoint(sim, params, request);
      // The secret is part of the response only here, at creation.
      return { ...created.endpoint, secret: created.secret };
    },
  ),
  retrieveRoute('webhook_endpoint', '/v1/webhook_endpoints/:id'),
  route(
    'POST',
    '/v1/webhook_endpoints/:id',
    endpoint({
      url: str.optional(),
      enabled_events: list(str).optional(),
      description: str.optional(),
      metadata: metadata.optional(),
      disabled: bool.optional(),
    }),
    ({ sim, params, path }) => {
      const we = sim.store.get<WebhookEndpointObject>('webhook_endpoint', path.id as string);
      if (params.url !== undefined) {
        checkUrl(params.url);
        we.url = params.url;
      }
      if (params.enabled_events !== undefined) {
        checkEvents(params.enabled_events);
        we.enabled_events = params.enabled_events;
      }
      if (params.description !== undefined)
        we.description = params.description === '' ? null : params.description;
      if (params.metadata)
        we.metadata = mergeMetadata(we.metadata as Record<string, string>, params.metadata);
      if (params.disabled !== undefined) we.status = params.disabled ? 'disabled' : 'enabled';
      return we;
    },
  ),
  route('DELETE', '/v1/webhook_endpoints/:id', endpoint({}), ({ sim, path }) => {
    const we = sim.store.get('webhook_endpoint', path.id as string);
    sim.store.remove('webhook_endpoint', we.id);
    sim.webhookSecrets.delete(we.id);
    return { id: we.id, object: 'webhook_endpoint', deleted: true };
  }),
  route('GET', '/v1/webhook_endpoints', endpoint(pagination), ({ sim, params }) =>
    paginate(
      sim,
      'webhook_endpoint',
      sim.store.all('webhook_endpoint'),
      params,
      '/v1/webhook_endpoints',
    ),
  ),
];
