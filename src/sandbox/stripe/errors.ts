/** The body of Stripe's error envelope, `{"error": {...}}`. */
export interface StripeErrorBody {
  type:
    | 'api_error'
    | 'card_error'
    | 'idempotency_error'
    | 'invalid_request_error'
    | 'authentication_error'
    | 'rate_limit_error';
  message: string;
  param?: string;
  code?: string;
  decline_code?: string;
  doc_url?: string;
  [extra: string]: unknown;
}

/** An error the API answers with Stripe's envelope and status code. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }
}

/** 400 invalid_request_error, optionally naming the parameter and an error code. */
export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(param === undefined ? {} : { param }),
    ...(code === undefined ? {} : { code }),
  });
}

/** How Stripe names each object type in "No such …" messages. */
const missingNames: Record<string, string> = {
  payment_method: 'PaymentMethod',
  webhook_endpoint: 'webhook endpoint',
};

/** 404 resource_missing: `No such checkout.session: 'cs_test_…'`. */
export function noSuch(type: string, id: string, param = 'id', status = 404): StripeApiError {
  return new StripeApiError(status, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${missingNames[type] ?? type}: '${id}'`,
    param,
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  });
}

/** 400 parameter_missing: `Missing required param: x.` */
export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    message: `Missing required param: ${param}.`,
    param,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
  });
}

/** 400 parameter_unknown: `Received unknown parameter: foo`. */
export function unknownParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    message: `Received unknown parameter: ${param}`,
    param,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
  });
}

/** 400 for a parameter whose value has the wrong type or is not allowed. */
export function invalidParam(param: string, message: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, param });
}

/** Masks an API key the way Stripe does in its 401 message: prefix, stars, last four. */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  if (key.length - prefix.length <= 8)
    return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length))}`;
  return `${prefix}${'*'.repeat(key.length - prefix.length - 4)}${key.slice(-4)}`;
}
