import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SimulatorControlError } from './control-error.js';
import type { StripeSimulatorControl } from './control.js';
import type { CheckoutSessionObject } from './objects.js';
import { readBody } from './read-body.js';
import type { Sim } from './sim.js';

/**
 * `/_sim/...`: the control API over HTTP (JSON in, JSON out, CORS open) so a web page or
 * another process can drive the simulator like a test does in-process.
 */

const cardSchema = z
  .object({
    brand: z.string().optional(),
    last4: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    exp_month: z.number().int().optional(),
    exp_year: z.number().int().optional(),
    country: z.string().optional(),
    funding: z.string().optional(),
  })
  .strict();

const behavior = z.enum([
  'succeed',
  'card_declined',
  'insufficient_funds',
  'authentication_required',
]);

type Handler = (input: {
  body: unknown;
  params: Record<string, string>;
  query: URLSearchParams;
}) => unknown;

interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

function compile(method: ControlRoute['method'], path: string, handler: Handler): ControlRoute {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:([a-z_]+)/gi, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}/?$`,
  );
  return { method, pattern, names, handler };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new SimulatorControlError(
      result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bare hosted "Checkout page" so a person can pay a session from a browser. */
function checkoutPage(sim: Sim, id: string): string {
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  const amount = `${((session.amount_total ?? 0) / 100).toFixed(2)} ${String(session.currency ?? '').toUpperCase()}`;
  const data = JSON.stringify({
    id,
    success: session.success_url,
    cancel: session.cancel_url,
  }).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><title>Stripe simulator checkout</title>
<h1>Pay ${escapeHtml(amount)}</h1><p>Session <code>${escapeHtml(id)}</code> is <b>${escapeHtml(session.status)}</b>.</p>
<button data-a="pay">Pay</button> <button data-a="decline">Card declined</button> <button data-a="async">Pay by bank (async)</button> <button data-a="cancel">Cancel</button>
<pre id="out"></pre>
<script>
const s = ${data};
for (const b of document.querySelectorAll('button')) b.onclick = async () => {
  const a = b.dataset.a;
  if (a === 'cancel') { if (s.cancel) location.href = s.cancel; return; }
  const body = a === 'decline' ? { fail: true } : a === 'async' ? { async: true } : {};
  const r = await fetch('/_sim/checkout/sessions/' + s.id + '/pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  document.getElementById('out').textContent = JSON.stringify(j.error ?? j.redirectUrl ?? j, null, 2);
  if (r.ok && j.redirectUrl) location.href = j.redirectUrl;
};
</script>`;
}

/** Builds the `/_sim` request handler. */
export function createControlHttp(sim: Sim, control: StripeSimulatorControl) {
  const routes: ControlRoute[] = [
    compile('GET', '/_sim/state', () => ({
      now: control.clock.now(),
      api_version: sim.apiVersion,
      objects: sim.store.counts(),
      deliveries: control.deliveries().length,
    })),
    compile('GET', '/_sim/objects', ({ query }) => control.list(query.get('type') ?? '')),
    compile('GET', '/_sim/objects/:id', ({ params }) => {
      const obj = control.get(params.id as string);
      if (!obj) throw new SimulatorControlError(`No such object: '${params.id}'`, 404);
      return obj;
    }),
    compile('GET', '/_sim/events', () => control.events()),
    compile('GET', '/_sim/requests', () => control.requests()),
    compile('GET', '/_sim/violations', () => control.violations()),
    compile('GET', '/_sim/deliveries', () => control.deliveries()),
    compile('POST', '/_sim/clock/advance', ({ body }) => {
      const { seconds } = parse(z.object({ seconds: z.number().nonnegative() }).strict(), body);
      control.clock.advance(seconds);
      return { now: control.clock.now() };
    }),
    compile('POST', '/_sim/customers', ({ body }) =>
      control.createCustomer(
        parse(
          z
            .object({
              email: z.string().optional(),
              name: z.string().optional(),
              metadata: z.record(z.string(), z.string()).optional(),
            })
            .strict(),
          body,
        ),
      ),
    ),
    compile('POST', '/_sim/checkout/sessions/:id/pay', ({ body, params }) => {
      const options = parse(
        z
          .object({
            async: z.boolean().optional(),
            fail: z
              .union([z.boolean(), z.enum(['card_declined', 'insufficient_funds'])])
              .optional(),
            paymentMethod: z.string().optional(),
            saveCard: z.boolean().optional(),
            card: cardSchema.optional(),
            email: z.string().optional(),
            name: z.string().optional(),
          })
          .strict(),
        body,
      );
      return control.payCheckoutSession(params.id as string, options);
    }),
    compile('POST', '/_sim/checkout/sessions/:id/settle', ({ body, params }) =>
      control.settleAsync(
        params.id as string,
        parse(z.object({ succeed: z.boolean() }).strict(), body).succeed,
      ),
    ),
    compile('POST', '/_sim/checkout/sessions/:id/expire', ({ params }) =>
      control.expireCheckoutSession(params.id as string),
    ),
    compile('POST', '/_sim/card_behaviors', ({ body }) => {
      const { target, behavior: b } = parse(
        z.object({ target: z.string(), behavior }).strict(),
        body,
      );
      control.setCardBehavior(target, b);
      return { target, behavior: b };
    }),
    compile('POST', '/_sim/customers/:id/payment_methods', ({ body, params }) =>
      control.attachPaymentMethod(params.id as string, parse(cardSchema, body)),
    ),
    compile('POST', '/_sim/refunds', ({ body }) => {
      const { target, amount } = parse(
        z.object({ target: z.string(), amount: z.number().int().positive().optional() }).strict(),
        body,
      );
      return control.refund(target, amount);
    }),
    compile('POST', '/_sim/disputes', ({ body }) => {
      const { charge, ...options } = parse(
        z
          .object({
            charge: z.string(),
            reason: z.string().optional(),
            amount: z.number().int().positive().optional(),
          })
          .strict(),
        body,
      );
      return control.openDispute(charge, options);
    }),
    compile('POST', '/_sim/disputes/:id/close', ({ body, params }) =>
      control.closeDispute(
        params.id as string,
        parse(z.object({ outcome: z.enum(['won', 'lost']) }).strict(), body).outcome,
      ),
    ),
    compile('POST', '/_sim/webhook_endpoints', ({ body }) => {
      const { url, events } = parse(
        z.object({ url: z.string(), events: z.array(z.string()).optional() }).strict(),
        body,
      );
      return control.addEndpoint(url, events);
    }),
    compile('POST', '/_sim/deliveries/pause', () => {
      control.pauseDeliveries();
      return { paused: true };
    }),
    compile('POST', '/_sim/deliveries/resume', ({ body }) => ({
      resumed: control.resumeDeliveries(
        parse(z.object({ shuffleSeed: z.number().int().optional() }).strict(), body),
      ),
    })),
    compile('POST', '/_sim/deliveries/drop', () => ({ dropped: control.dropPendingDeliveries() })),
    compile('POST', '/_sim/deliveries/flush', async () => {
      await control.flush();
      return { flushed: true };
    }),
    compile('POST', '/_sim/deliveries/faults', ({ body }) => {
      const faults = parse(
        z
          .object({
            duplicate: z.number().int().nonnegative().optional(),
            concurrent: z.boolean().optional(),
            delayMs: z.number().nonnegative().optional(),
          })
          .strict(),
        body,
      );
      control.setDeliveryFaults(faults);
      return faults;
    }),
    compile('POST', '/_sim/events/:id/redeliver', ({ body, params }) => ({
      deliveries: control.redeliver(
        params.id as string,
        parse(
          z
            .object({
              times: z.number().int().positive().optional(),
              concurrent: z.boolean().optional(),
              endpointId: z.string().optional(),
            })
            .strict(),
          body,
        ),
      ),
    })),
    compile('POST', '/_sim/faults', ({ body }) => {
      const spec = parse(
        z
          .object({
            path: z.string().optional(),
            pathRegex: z.string().optional(),
            method: z.enum(['GET', 'POST', 'DELETE']).optional(),
            kind: z.enum(['response_lost', 'server_error']),
            status: z.number().int().min(500).max(599).optional(),
            times: z.number().int().positive().optional(),
          })
          .strict(),
        body,
      );
      const path = spec.pathRegex !== undefined ? new RegExp(spec.pathRegex) : spec.path;
      if (path === undefined) throw new SimulatorControlError('path or pathRegex is required');
      const { pathRegex: _ignored, ...rest } = spec;
      control.injectFault({ ...rest, path });
      return { injected: true };
    }),
    compile('DELETE', '/_sim/faults', () => {
      control.clearFaults();
      return { cleared: true };
    }),
  ];

  return async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body, null, 2));
    };
    try {
      const page = /^\/_sim\/checkout\/([^/]+)\/?$/.exec(url.pathname);
      if (page && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(checkoutPage(sim, decodeURIComponent(page[1] as string)));
        return;
      }
      for (const r of routes) {
        if (r.method !== method) continue;
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        const params: Record<string, string> = {};
        r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
        const text = method === 'GET' ? '' : await readBody(req);
        let body: unknown = {};
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            throw new SimulatorControlError('The body must be JSON.');
          }
        }
        return reply(200, await r.handler({ body, params, query: url.searchParams }));
      }
      reply(404, { error: { message: `No simulator control route ${method} ${url.pathname}` } });
    } catch (err) {
      if (err instanceof SimulatorControlError)
        return reply(err.status, { error: { message: err.message } });
      sim.logger.error({ err }, 'stripe simulator control route failed');
      reply(500, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  };
}
