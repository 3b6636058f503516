import { ErrorCodes, PremiumbotError } from '../errors.js';

/**
 * The event depends on another one not applied yet (a refund of a payment not yet recorded):
 * the webhook answers 5xx and Stripe's retry applies it later.
 */
export class RetryLaterError extends PremiumbotError {
  constructor(message: string) {
    super(ErrorCodes.stripe, message, { details: { retry: true } });
    this.name = 'RetryLaterError';
  }
}
