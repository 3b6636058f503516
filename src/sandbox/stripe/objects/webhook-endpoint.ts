import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';

export interface WebhookEndpointObject extends StripeObject {
  object: 'webhook_endpoint';
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  api_version: string | null;
}

/** A new WebhookEndpoint (its secret is kept aside; Stripe only shows it at creation). */
export function buildWebhookEndpoint(
  created: number,
  fields: Partial<WebhookEndpointObject> & { url: string; enabled_events: string[] },
): WebhookEndpointObject {
  return {
    api_version: null,
    application: null,
    created,
    description: null,
    id: newId('webhook_endpoint'),
    livemode: false,
    metadata: {},
    object: 'webhook_endpoint',
    status: 'enabled',
    ...fields,
  };
}
