import type { IncomingMessage, ServerResponse } from 'node:http';
import { expireDueSessions } from './resources/checkout.js';
import { maskKey, StripeApiError, type StripeErrorBody } from './errors.js';
import { applyExpand } from './expand.js';
import { FormShapeError, parseForm, type FormValue } from './form.js';
import { newId } from './ids.js';
import { parseParams } from './params.js';
import { readBody } from './read-body.js';
import { compileRoutes, matchRoute, type HttpMethod, type Route } from './route.js';
import type { Sim } from './sim.js';

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

/** An injected failure for matching API calls. */
export interface FaultSpec {
  /** Exact pathname (`/v1/payment_intents`), route pattern (`/v1/checkout/sessions/:id/expire`) or RegExp. */
  path: string | RegExp;
  method?: HttpMethod;
  /**
   * `response_lost`: the call is processed (objects created, idempotency result stored) and the
   * connection is destroyed before the answer. `server_error`: a 5xx before anything happens.
   */
  kind: FaultKind;
  /** Status for `server_error` (500 unless given). */
  status?: number;
  /** How many matching calls it hits (1 unless given). */
  times?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

interface IdempotentResult {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  at: number;
}

const keyPattern = /^(sk|rk)_test_[A-Za-z0-9_]{1,255}$/;

/** Stable text of params for comparing idempotent retries. */
function fingerprint(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
}

/** The key from `Authorization: Bearer sk_test_…` or basic auth (key as user name). */
function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? ''))
    return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

const idempotencyTtlSeconds = 24 * 3600;

/** Serves `/v1/...`: auth, routing, params, idempotency, injected faults, logs. */
export class StripeApi {
  private readonly routes;
  private readonly idempotency = new Map<string, IdempotentResult>();
  private readonly faults: ActiveFault[] = [];
  private readonly log: ApiRequestRecord[] = [];
  private readonly violationLog: Violation[] = [];

  constructor(
    private readonly sim: Sim,
    routes: readonly Route[],
  ) {
    this.routes = compileRoutes(routes);
  }

  requests(): ApiRequestRecord[] {
    return this.log.map((r) => structuredClone(r));
  }

  violations(): Violation[] {
    return this.violationLog.map((v) => ({ ...v }));
  }

  injectFault(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const requestId = newId('request');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const idempotencyKey =
      typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const stripeVersion =
      typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : null;
    const record: ApiRequestRecord = {
      id: requestId,
      method,
      path,
      params: {},
      idempotencyKey,
      stripeVersion,
      status: 0,
      replayed: false,
      fault: null,
      error: null,
      at: this.sim.clock.now(),
    };
    this.log.push(record);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': stripeVersion ?? this.sim.apiVersion,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    };
    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { ...headers, ...extra });
      res.end(body);
    };
    const fail = (err: StripeApiError) => {
      record.error = err.body;
      send(err.status, JSON.stringify({ error: err.body }, null, 2));
    };
    const violate = (kind: Violation['kind'], message: string, param: string | null) => {
      this.violationLog.push({ requestId, method, path, kind, param, message });
    };

    const key = apiKeyOf(req);
    if (key === null || key === '') {
      return fail(
        new StripeApiError(401, {
          type: 'invalid_request_error',
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        }),
      );
    }
    if (!keyPattern.test(key)) {
      return fail(
        new StripeApiError(401, {
          type: 'invalid_request_error',
          message: `Invalid API Key provided: ${maskKey(key)}`,
        }),
      );
    }
    if (stripeVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(stripeVersion)) {
      return fail(
        new StripeApiError(400, {
          type: 'invalid_request_error',
          message: `Invalid Stripe API version: ${stripeVersion}`,
        }),
      );
    }

    const body = method === 'POST' ? await readBody(req) : '';
    const matched = matchRoute(this.routes, method, path);
    if (!matched) {
      const message = `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`;
      violate('unknown_route', message, null);
      return fail(new StripeApiError(404, { type: 'invalid_request_error', message }));
    }
    let form: Record<string, FormValue>;
    try {
      form = parseForm(method === 'POST' ? body : url.search.slice(1));
    } catch (err) {
      if (!(err instanceof FormShapeError)) throw err;
      violate('malformed_body', err.message, err.param);
      return fail(
        new StripeApiError(400, {
          type: 'invalid_request_error',
          message: err.message,
          param: err.param,
        }),
      );
    }
    record.params = form;

    const fault = this.takeFault(method, path, matched.route.path);
    if (fault?.kind === 'server_error') {
      record.fault = 'server_error';
      return fail(
        new StripeApiError(fault.status ?? 500, {
          type: 'api_error',
          message:
            'An unknown error occurred while processing your request (simulated by the Stripe simulator).',
        }),
      );
    }

    const cacheKey = idempotencyKey && method !== 'GET' ? `${key}\u0000${idempotencyKey}` : null;
    this.pruneIdempotency();
    const cached = cacheKey ? this.idempotency.get(cacheKey) : undefined;
    if (cached && cacheKey) {
      if (cached.method !== method || cached.path !== path) {
        return fail(
          new StripeApiError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${cached.method} ${cached.path}' vs '${method} ${path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        );
      }
      if (cached.fingerprint !== fingerprint(form)) {
        return fail(
          new StripeApiError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          }),
        );
      }
      record.replayed = true;
      if (fault?.kind === 'response_lost') return this.loseResponse(res, record);
      return send(cached.status, cached.body, {
        'idempotent-replayed': 'true',
        'original-request': cached.requestId,
      });
    }

    let params: unknown;
    try {
      params = parseParams(matched.route.schema, form);
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      const code = err.body.code;
      violate(
        code === 'parameter_unknown'
          ? 'unknown_parameter'
          : code === 'parameter_missing'
            ? 'missing_parameter'
            : 'invalid_parameter',
        err.body.message,
        err.body.param ?? null,
      );
      return fail(err);
    }

    let status = 200;
    let text: string;
    try {
      expireDueSessions(this.sim);
      const result = matched.route.handler({
        sim: this.sim,
        params: params as never,
        path: matched.path,
        request: { id: requestId, idempotency_key: idempotencyKey },
      });
      const expand = (params as { expand?: string[] }).expand;
      text = JSON.stringify(applyExpand(this.sim, result, expand), null, 2);
    } catch (err) {
      if (!(err instanceof StripeApiError)) {
        this.sim.logger.error({ err, requestId, path }, 'stripe simulator handler failed');
        record.error = { type: 'api_error', message: 'An unknown error occurred' };
        return send(500, JSON.stringify({ error: record.error }, null, 2));
      }
      status = err.status;
      record.error = err.body;
      text = JSON.stringify({ error: err.body }, null, 2);
    }
    if (cacheKey && status < 500) {
      this.idempotency.set(cacheKey, {
        method,
        path,
        fingerprint: fingerprint(form),
        status,
        body: text,
        requestId,
        at: this.sim.clock.now(),
      });
    }
    if (fault?.kind === 'response_lost') return this.loseResponse(res, record);
    send(status, text);
  }

  private loseResponse(res: ServerResponse, record: ApiRequestRecord): void {
    record.fault = 'response_lost';
    record.status = 0;
    res.socket?.destroy();
  }

  private takeFault(method: string, pathname: string, pattern: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method === method) &&
        (typeof f.path === 'string'
          ? f.path === pathname || f.path === pattern
          : f.path.test(pathname)),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  private pruneIdempotency(): void {
    const cutoff = this.sim.clock.now() - idempotencyTtlSeconds;
    for (const [k, v] of this.idempotency) if (v.at < cutoff) this.idempotency.delete(k);
  }
}
