import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiCall,
  apiKeyOf,
  credentialsError,
  readForm,
  validateParams,
  type ApiRequestRecord,
  type FaultKind,
  type Violation,
} from './api-call.js';
import { StripeApiError } from './errors.js';
import { applyExpand } from './expand.js';
import { renderAt } from './versions.js';
import type { FormValue } from './form.js';
import { readBody } from './read-body.js';
import { expireDueSessions } from './resources/checkout-actions.js';
import {
  compileRoutes,
  matchRoute,
  type HttpMethod,
  type Route,
  type RouteMatch,
} from './route.js';
import type { Sim } from './sim.js';

export type { ApiRequestRecord, FaultKind, Violation } from './api-call.js';

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
/** Stable text of params for comparing idempotent retries. */
function fingerprint(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
}

const idempotencyTtlSeconds = 24 * 3600;
/** The error for an idempotency key reused on another endpoint or with other params, if it was. */
function idempotencyMismatch(
  call: ApiCall,
  cached: IdempotentResult,
  form: Record<string, FormValue>,
): StripeApiError | null {
  const { method, path, idempotencyKey } = call;
  if (cached.method !== method || cached.path !== path) {
    return new StripeApiError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${cached.method} ${cached.path}' vs '${method} ${path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
    });
  }
  if (cached.fingerprint !== fingerprint(form)) {
    return new StripeApiError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
    });
  }
  return null;
}

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
    const call = new ApiCall(req, res, url, this.sim, this.violationLog);
    this.log.push(call.record);
    const { method, path } = call;
    const key = apiKeyOf(req) ?? '';
    const refused = credentialsError(key, call.stripeVersion);
    if (refused) return call.fail(refused);

    const body = method === 'POST' ? await readBody(req) : '';
    const matched = matchRoute(this.routes, method, path);
    if (!matched) {
      const message = `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`;
      call.violate('unknown_route', message, null);
      return call.fail(new StripeApiError(404, { type: 'invalid_request_error', message }));
    }
    const form = readForm(call, method === 'POST' ? body : url.search.slice(1));
    if (!form) return;
    call.record.params = form;

    const fault = this.takeFault(method, path, matched.route.path);
    if (fault?.kind === 'server_error') return this.failByFault(call, fault);

    const cacheKey =
      call.idempotencyKey && method !== 'GET' ? `${key}\u0000${call.idempotencyKey}` : null;
    this.pruneIdempotency();
    const cached = cacheKey ? this.idempotency.get(cacheKey) : undefined;
    if (cached) return this.replay(call, cached, form, fault);

    const validated = validateParams(call, matched.route.schema, form);
    if (!validated) return;
    const answer = this.run(call, matched, validated.params);
    if (!answer) return;
    if (cacheKey && answer.status < 500) this.remember(cacheKey, call, form, answer);
    if (fault?.kind === 'response_lost') return call.loseResponse();
    call.send(answer.status, answer.text);
  }

  private failByFault(call: ApiCall, fault: ActiveFault): void {
    call.record.fault = 'server_error';
    call.fail(
      new StripeApiError(fault.status ?? 500, {
        type: 'api_error',
        message:
          'An unknown error occurred while processing your request (simulated by the Stripe simulator).',
      }),
    );
  }

  /** Answers a retried idempotent call with the stored result (or Stripe's mismatch error). */
  private replay(
    call: ApiCall,
    cached: IdempotentResult,
    form: Record<string, FormValue>,
    fault: ActiveFault | undefined,
  ): void {
    const mismatch = idempotencyMismatch(call, cached, form);
    if (mismatch) return call.fail(mismatch);
    call.record.replayed = true;
    if (fault?.kind === 'response_lost') return call.loseResponse();
    call.send(cached.status, cached.body, {
      'idempotent-replayed': 'true',
      'original-request': cached.requestId,
    });
  }

  /**
   * Runs the route's handler: its result or Stripe error as text, or undefined once an
   * unexpected failure has been answered with a generic 500.
   */
  private run(
    call: ApiCall,
    matched: RouteMatch,
    params: unknown,
  ): { status: number; text: string } | undefined {
    const { requestId, path } = call;
    try {
      expireDueSessions(this.sim);
      const result = matched.route.handler({
        sim: this.sim,
        params: params as never,
        path: matched.path,
        request: { id: requestId, idempotency_key: call.idempotencyKey },
      });
      const expand = (params as { expand?: string[] }).expand;
      const rendered = renderAt(result, call.stripeVersion ?? this.sim.apiVersion);
      return {
        status: 200,
        text: JSON.stringify(applyExpand(this.sim, rendered, expand), null, 2),
      };
    } catch (err) {
      if (!(err instanceof StripeApiError)) {
        this.sim.logger.error({ err, requestId, path }, 'stripe simulator handler failed');
        call.record.error = { type: 'api_error', message: 'An unknown error occurred' };
        call.send(500, JSON.stringify({ error: call.record.error }, null, 2));
        return undefined;
      }
      call.record.error = err.body;
      return { status: err.status, text: JSON.stringify({ error: err.body }, null, 2) };
    }
  }

  private remember(
    cacheKey: string,
    call: ApiCall,
    form: Record<string, FormValue>,
    answer: { status: number; text: string },
  ): void {
    this.idempotency.set(cacheKey, {
      method: call.method,
      path: call.path,
      fingerprint: fingerprint(form),
      status: answer.status,
      body: answer.text,
      requestId: call.requestId,
      at: this.sim.clock.now(),
    });
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
