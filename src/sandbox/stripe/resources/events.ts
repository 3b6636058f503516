import { invalidParam } from '../errors.js';
import { inRange, paginate } from '../listing.js';
import { bool, endpoint, list, pagination, rangeFilter, str } from '../params.js';
import { retrieveRoute, route } from '../route.js';
import type { EventObject } from '../sim.js';

/** `type=charge.*` style matching, as the events list and `enabled_events` allow. */
export function eventTypeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const eventRoutes = [
  retrieveRoute('event', '/v1/events/:id'),
  route(
    'GET',
    '/v1/events',
    endpoint({
      ...pagination,
      type: str.optional(),
      types: list(str).optional(),
      created: rangeFilter.optional(),
      delivery_success: bool.optional(),
    }),
    ({ sim, params }) => {
      if (params.type && params.types) {
        throw invalidParam('types', 'You may only specify one of these parameters: type, types.');
      }
      if (params.types && params.types.length > 20) {
        throw invalidParam('types', 'You may pass at most 20 event types.');
      }
      const patterns = params.types ?? (params.type ? [params.type] : undefined);
      const items = sim.store
        .all<EventObject>('event')
        .filter(
          (e) =>
            (patterns === undefined || patterns.some((p) => eventTypeMatches(p, e.type))) &&
            (params.delivery_success === undefined ||
              (e.pending_webhooks === 0) === params.delivery_success) &&
            inRange(e.created, params.created),
        );
      return paginate(sim, 'event', items, params, '/v1/events');
    },
  ),
];
