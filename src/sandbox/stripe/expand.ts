import { invalidParam } from './errors.js';
import type { Sim } from './sim.js';
import type { StripeObject } from './store.js';

/** Fields that only appear when expanded (Stripe's "includable" fields), by object type. */
const includable: Record<string, (sim: Sim, obj: StripeObject) => unknown> = {
  'checkout.session:line_items': (sim, obj) => {
    const data = sim.lineItems.get(obj.id) ?? [];
    return {
      object: 'list',
      data,
      has_more: false,
      url: `/v1/checkout/sessions/${obj.id}/line_items`,
    };
  },
  'charge:refunds': (sim, obj) => ({
    object: 'list',
    data: sim.store.all('refund').filter((r) => r.charge === obj.id),
    has_more: false,
    url: `/v1/charges/${obj.id}/refunds`,
  }),
};

/**
 * Applies `expand[]` paths (`customer`, `data.product`, `latest_charge.balance_transaction`…)
 * to a response: id strings become the objects they name. Unknown paths fail like Stripe's
 * "This property cannot be expanded".
 */
export function applyExpand(sim: Sim, body: object, paths: readonly string[] | undefined): object {
  if (!paths || paths.length === 0) return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) {
      throw invalidParam(
        'expand',
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
      );
    }
    expandInto(sim, copy, segments, path);
  }
  return copy;
}

function expandInto(
  sim: Sim,
  node: Record<string, unknown>,
  segments: string[],
  full: string,
): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (
    head === 'data' &&
    Array.isArray(node.data) &&
    (node.object === 'list' || node.object === 'search_result')
  ) {
    for (const item of node.data as Record<string, unknown>[]) expandInto(sim, item, rest, full);
    return;
  }
  let value = node[head];
  const extra = includable[`${String(node.object)}:${head}`];
  if (extra && value === undefined) {
    value = extra(sim, node as StripeObject);
  } else if (typeof value === 'string') {
    const found = sim.store.findAny(value);
    if (!found) throw invalidParam('expand', `This property cannot be expanded (${full}).`);
    value = structuredClone(found);
  } else if (value === null && rest.length === 0) {
    return;
  } else if (value === undefined || typeof value !== 'object') {
    throw invalidParam('expand', `This property cannot be expanded (${full}).`);
  }
  node[head] = value;
  if (rest.length > 0 && value && typeof value === 'object') {
    expandInto(sim, value as Record<string, unknown>, rest, full);
  }
}
