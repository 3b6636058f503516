import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskKey, StripeApiError, type StripeErrorBody } from './errors.js';
import { FormShapeError, parseForm, type FormValue } from './form.js';
import { newId } from './ids.js';
import { parseParams } from './params.js';
import type { Route } from './route.js';
import type { Sim } from './sim.js';

/** One `/v1` call on its way through the API server: who asks, and how it is answered. */

/** One API call as `control.requests()` reports it (the API key is never kept). */
export interface ApiRequestRecord {
  id: string;
  method: string;
  path: string;
  /** The parsed form body or query. */
  params: Record<string, FormValue>;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  status: number;
  /** Answered from the idempotency cache. */
  replayed: boolean;
  fault: FaultKind | null;
  error: StripeErrorBody | null;
  /** Simulator time, Unix seconds. */
  at: number;
}

/** A call Stripe would reject because the caller is wrong (our bot must produce none). */
export interface Violation {
  requestId: string;
  method: string;
  path: string;
  kind:
    | 'unknown_parameter'
    | 'missing_parameter'
    | 'invalid_parameter'
    | 'unknown_route'
    | 'malformed_body';
  param: string | null;
  message: string;
}

export type FaultKind = 'response_lost' | 'server_error';

const keyPattern = /^(sk|rk)_test_[A-Za-z0-9_]{1,255}$/;

/** The key from `Authorization: Bearer sk_test_…` or basic auth (key as user name). */
export function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? ''))
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

const missingKeyMessage =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

/** Stripe's answer to a missing or malformed key or API version, checked before the body is read. */
export function credentialsError(key: string, stripeVersion: string | null): StripeApiError | null {
  if (key === '') {
    return new StripeApiError(401, { type: 'invalid_request_error', message: missingKeyMessage });
  }
  if (!keyPattern.test(key)) {
    return new StripeApiError(401, {
      type: 'invalid_request_error',
      message: `Invalid API Key provided: ${maskKey(key)}`,
    });
  }
  if (stripeVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
    return new StripeApiError(400, {
      type: 'invalid_request_error',
      message: `Invalid Stripe API version: ${stripeVersion}`,
    });
  }
  return null;
}

/** The violation kind for a parameter error from `parseParams`. */
function violationKindOf(code: string | undefined): Violation['kind'] {
  if (code === 'parameter_unknown') return 'unknown_parameter';
  if (code === 'parameter_missing') return 'missing_parameter';
  return 'invalid_parameter';
}

function headerText(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

/** One API call in flight: its log record and the ways to answer it. */
export class ApiCall {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey: string | null;
  readonly stripeVersion: string | null;
  readonly record: ApiRequestRecord;
  private readonly headers: Record<string, string>;

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
    url: URL,
    sim: Sim,
    private readonly violationLog: Violation[],
  ) {
    const requestId = newId('request');
    this.method = (req.method ?? 'GET').toUpperCase();
    this.path = url.pathname;
    this.idempotencyKey = headerText(req, 'idempotency-key');
    this.stripeVersion = headerText(req, 'stripe-version');
    this.record = {
      id: requestId,
      method: this.method,
      path: this.path,
      params: {},
      idempotencyKey: this.idempotencyKey,
      stripeVersion: this.stripeVersion,
      status: 0,
      replayed: false,
      fault: null,
      error: null,
      at: sim.clock.now(),
    };
    this.headers = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': this.stripeVersion ?? sim.apiVersion,
      ...(this.idempotencyKey ? { 'idempotency-key': this.idempotencyKey } : {}),
    };
  }

  get requestId(): string {
    return this.record.id;
  }

  send(status: number, body: string, extra: Record<string, string> = {}): void {
    this.record.status = status;
    this.res.writeHead(status, { ...this.headers, ...extra });
    this.res.end(body);
  }

  fail(err: StripeApiError): void {
    this.record.error = err.body;
    this.send(err.status, JSON.stringify({ error: err.body }, null, 2));
  }

  violate(kind: Violation['kind'], message: string, param: string | null): void {
    const { requestId, method, path } = this;
    this.violationLog.push({ requestId, method, path, kind, param, message });
  }

  /** The call was processed but the caller never hears back (the connection drops). */
  loseResponse(): void {
    this.record.fault = 'response_lost';
    this.record.status = 0;
    this.res.socket?.destroy();
  }
}

/** The form body (POST) or query (GET), or undefined once a malformed one has been answered. */
export function readForm(call: ApiCall, text: string): Record<string, FormValue> | undefined {
  try {
    return parseForm(text);
  } catch (err) {
    if (!(err instanceof FormShapeError)) throw err;
    call.violate('malformed_body', err.message, err.param);
    call.fail(
      new StripeApiError(400, {
        type: 'invalid_request_error',
        message: err.message,
        param: err.param,
      }),
    );
    return undefined;
  }
}

/** The route's params, or undefined once a parameter error has been answered. */
export function validateParams(
  call: ApiCall,
  schema: Route['schema'],
  form: Record<string, FormValue>,
): { params: unknown } | undefined {
  try {
    return { params: parseParams(schema, form) };
  } catch (err) {
    if (!(err instanceof StripeApiError)) throw err;
    call.violate(violationKindOf(err.body.code), err.body.message, err.body.param ?? null);
    call.fail(err);
    return undefined;
  }
}
