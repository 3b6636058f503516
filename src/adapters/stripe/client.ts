/**
 * The Stripe client: stripe-node with its version and API version pinned, pointed at
 * STRIPE_API_BASE (the real API, or `premiumbot sandbox`'s simulator).
 */
import Stripe from 'stripe';
import { STRIPE_API_VERSION } from './api-version.js';

export { STRIPE_API_VERSION };

export type StripeClient = Stripe;

export interface StripeClientOptions {
  apiKey: string;
  /** `https://api.stripe.com` or the simulator's `http://127.0.0.1:PORT`. */
  apiBase: string;
  /** Automatic retries with idempotency keys on network errors and 5xx (default 2). */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

/** Builds (does not call) a Stripe client for STRIPE_API_BASE. */
export function createStripeClient(options: StripeClientOptions): StripeClient {
  const base = new URL(options.apiBase);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.apiKey, {
    apiVersion: STRIPE_API_VERSION,
    host: base.hostname,
    port: base.port === '' ? (protocol === 'http' ? 80 : 443) : Number(base.port),
    protocol,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'premiumbot' },
  });
}

/** Whether a key is a live-mode key (the wizard warns before touching live data). */
export function isLiveKey(apiKey: string): boolean {
  return /^(sk|rk)_live_/.test(apiKey);
}
