/**
 * The Stripe webhook as the HTTP route sees it: a raw body and its `Stripe-Signature` in,
 * an outcome out (src/adapters/stripe/webhook.ts implements it; the route maps the outcome
 * to a status code). Declared here so the two adapters meet without importing each other.
 */

/** What a delivery came to. */
export type StripeWebhookResult =
  /** `foreign`: about another install's object (several installs on one Stripe account): 200, no effect. */
  | { status: 'processed' | 'duplicate' | 'foreign' }
  /** The signature is missing, malformed, outside the tolerance or wrong: 400, nothing changed. */
  | { status: 'bad_signature'; reason: string }
  /** Not a readable Stripe event: 400. */
  | { status: 'invalid'; reason: string }
  /** Depends on an event not applied yet: 503, Stripe retries later. */
  | { status: 'retry'; reason: string };

/** Verifies, parses and applies one delivery; throws when applying failed (5xx, Stripe retries). */
export interface StripeWebhook {
  handle(rawBody: Uint8Array, signature: string | undefined): Promise<StripeWebhookResult>;
}
