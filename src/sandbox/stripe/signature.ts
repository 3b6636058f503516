import { createHmac } from 'node:crypto';

/**
 * The `Stripe-Signature` header for `payload` at Unix time `timestamp`: `t=…,v1=…` where v1 is
 * HMAC-SHA256 of `${t}.${payload}` keyed by the endpoint secret — the scheme
 * `stripe.webhooks.constructEvent` verifies.
 */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}
