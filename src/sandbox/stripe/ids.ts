import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text of `length` characters. */
export function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % 62];
  return out;
}

/** Id prefixes Stripe uses in test mode, one per object type the simulator creates. */
export const idPrefixes = {
  'checkout.session': 'cs_test_',
  'billing_portal.session': 'bps_',
  customer: 'cus_',
  payment_intent: 'pi_',
  payment_method: 'pm_',
  charge: 'ch_',
  refund: 're_',
  dispute: 'dp_',
  product: 'prod_',
  price: 'price_',
  event: 'evt_',
  webhook_endpoint: 'we_',
  item: 'li_',
  request: 'req_',
  balance_transaction: 'txn_',
} as const;

export type IdKind = keyof typeof idPrefixes;

/** A fresh id shaped like Stripe's for `kind` (for example `pi_3Qx…` or `cs_test_a1…`). */
export function newId(kind: IdKind): string {
  const prefix = idPrefixes[kind];
  if (kind === 'checkout.session') return `${prefix}a1${base62(56)}`;
  if (kind === 'customer' || kind === 'product') return `${prefix}${base62(14)}`;
  if (kind === 'request') return `${prefix}${base62(14)}`;
  return `${prefix}${base62(24)}`;
}
