/**
 * What an API version changes in the objects the simulator sends. Since 2022-11-15 a Charge
 * no longer carries its `refunds` list unless the request expands it, and an event is rendered
 * at the version of the endpoint it is delivered to (else the account's default version at
 * its creation): a webhook at the pinned version gets a charge without the list, while
 * `/v1/events` of an account created earlier still shows it.
 */
import type { StripeObject } from './store.js';

/** The first API version whose Charge leaves `refunds` out unless expanded. */
export const CHARGE_REFUNDS_EXPANDABLE_SINCE = '2022-11-15';

/** True when objects at `version` carry a Charge's `refunds` without being asked. */
export function chargeRefundsIncluded(version: string): boolean {
  return version < CHARGE_REFUNDS_EXPANDABLE_SINCE;
}

/**
 * A copy of an API answer (an object, a list, an event) as `version` shows it. An event
 * nested in the answer keeps its own `api_version`.
 */
export function renderAt<T>(body: T, version: string): T {
  return strip(structuredClone(body), version) as T;
}

/** An event as delivered to an endpoint pinned at `version` (null: the event's own version). */
export function renderEventFor<T extends StripeObject>(event: T, version: string | null): T {
  const copy: StripeObject = structuredClone(event);
  if (version !== null) copy.api_version = version;
  return strip(copy, version ?? String(event.api_version)) as T;
}

function strip(node: unknown, version: string): unknown {
  if (Array.isArray(node)) {
    for (const item of node) strip(item, version);
    return node;
  }
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const own =
    obj.object === 'event' && typeof obj.api_version === 'string' ? obj.api_version : version;
  if (obj.object === 'charge' && !chargeRefundsIncluded(own)) delete obj.refunds;
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'previous_attributes' && value && typeof value === 'object') {
      if (!chargeRefundsIncluded(own)) delete (value as Record<string, unknown>).refunds;
    } else {
      strip(value, own);
    }
  }
  return node;
}
