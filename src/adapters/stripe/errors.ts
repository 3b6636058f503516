/** Stripe failures turned into operator-facing errors that say what to do next. */
import { ErrorCodes, PremiumbotError } from '../../core/errors.js';

interface StripeLikeError {
  type?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  rawType?: string;
}

/** Wraps a stripe-node error (or a network failure) with a hint; `doing` says what was attempted. */
export function stripeFailure(doing: string, cause: unknown): PremiumbotError {
  if (cause instanceof PremiumbotError) return cause;
  const err = (cause ?? {}) as StripeLikeError;
  const message = err.message ?? String(cause);
  let hint: string;
  switch (err.type) {
    case 'StripeAuthenticationError':
      hint =
        'Stripe refused the key: check STRIPE_API_KEY (Dashboard → Developers → API keys), then run `premiumbot doctor`.';
      break;
    case 'StripePermissionError':
      hint =
        'The key lacks a permission: give the restricted key write access to Products, Prices and Webhook Endpoints, or use a secret key.';
      break;
    case 'StripeConnectionError':
      hint = 'Stripe did not answer: check the network and STRIPE_API_BASE, then retry.';
      break;
    case 'StripeRateLimitError':
      hint = 'Stripe rate-limited the requests: wait a minute and retry.';
      break;
    case 'StripeInvalidRequestError':
      hint =
        'Stripe rejected the request; the message above says which parameter. Re-run with --verbose for details.';
      break;
    default:
      hint =
        'Retry in a moment; if it persists run `premiumbot doctor` and check https://status.stripe.com.';
  }
  // Nothing happened at Stripe: the same call (same idempotency key) may be sent again.
  const transient =
    err.type === 'StripeConnectionError' ||
    err.type === 'StripeRateLimitError' ||
    (err.statusCode ?? 0) >= 500;
  return new PremiumbotError(ErrorCodes.stripe, `Stripe: ${doing} failed: ${message}`, {
    hint,
    cause,
    ...(transient ? { details: { transient: true } } : {}),
  });
}
