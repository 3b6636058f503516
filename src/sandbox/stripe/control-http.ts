import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatMoney } from '../../core/money.js';
import { SimulatorControlError } from './control-error.js';
import type { StripeSimulatorControl } from './control.js';
import type { CheckoutSessionObject, PaymentMethodObject } from './objects/index.js';
import { controlRoutes } from './control-routes.js';
import { readBody } from './read-body.js';
import { compileRoutes, matchRoute } from './route.js';
import type { Sim } from './sim.js';
import type { StripeObject } from './store.js';

/**
 * `/_sim/...`: the control API over HTTP (JSON in, JSON out, CORS open) so a web page or
 * another process can drive the simulator like a test does in-process.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bare hosted "Checkout page" so a person can pay a session from a browser. */
function checkoutPage(sim: Sim, id: string): string {
  const session = sim.store.find<CheckoutSessionObject>('checkout.session', id);
  if (!session) throw new SimulatorControlError(`No such checkout.session: '${id}'`, 404);
  const amount = formatMoney(session.amount_total ?? 0, session.currency ?? 'usd', 'en');
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

type PortalSession = StripeObject & { customer: string; return_url: string | null };

/**
 * A bare "billing portal" for a portal session: the customer's saved cards, each with a
 * Remove button (payment_method.detached, as in Stripe's portal), and the way back.
 */
function portalPage(sim: Sim, id: string): string {
  const session = sim.store.find<PortalSession>('billing_portal.session', id);
  if (!session) throw new SimulatorControlError(`No such billing_portal.session: '${id}'`, 404);
  const cards = sim.store
    .all<PaymentMethodObject>('payment_method')
    .filter((pm) => pm.customer === session.customer);
  const rows = cards
    .map((pm) => {
      const card = pm.card;
      const label = card
        ? `${card.brand} •••• ${card.last4}, expires ${card.exp_month}/${card.exp_year}`
        : pm.type;
      return `<li>${escapeHtml(label)} <button data-pm="${escapeHtml(pm.id)}">Remove</button></li>`;
    })
    .join('');
  const back = session.return_url
    ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>`
    : '';
  return `<!doctype html><meta charset="utf-8"><title>Stripe simulator billing portal</title>
<h1>Payment methods</h1><p>Customer <code>${escapeHtml(session.customer)}</code></p>
${cards.length > 0 ? `<ul>${rows}</ul>` : '<p>No saved cards.</p>'}${back}
<pre id="out"></pre>
<script>
for (const b of document.querySelectorAll('button[data-pm]')) b.onclick = async () => {
  const r = await fetch('/_sim/payment_methods/' + b.dataset.pm + '/detach', { method: 'POST' });
  const j = await r.json();
  if (r.ok) b.parentElement.remove(); else document.getElementById('out').textContent = JSON.stringify(j.error ?? j, null, 2);
};
</script>`;
}

/** The JSON body, `{}` when empty. */
function jsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SimulatorControlError('The body must be JSON.');
  }
}

/** Builds the `/_sim` request handler. */
export function createControlHttp(sim: Sim, control: StripeSimulatorControl) {
  const routes = compileRoutes(controlRoutes);

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL, method: string) {
    const page = /^\/_sim\/checkout\/([^/]+)\/?$/.exec(url.pathname);
    if (page && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(checkoutPage(sim, decodeURIComponent(page[1] as string)));
      return;
    }
    const portal = /^\/_sim\/portal\/([^/]+)\/?$/.exec(url.pathname);
    if (portal && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(portalPage(sim, decodeURIComponent(portal[1] as string)));
      return;
    }
    const matched = matchRoute(routes, method, url.pathname);
    if (!matched) {
      return reply(res, 404, {
        error: { message: `No simulator control route ${method} ${url.pathname}` },
      });
    }
    const body = jsonBody(method === 'GET' ? '' : await readBody(req));
    const ctx = { sim, control, body, params: matched.path, query: url.searchParams };
    reply(res, 200, await matched.route.handler(ctx));
  }

  return async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      await answer(req, res, url, method);
    } catch (err) {
      if (err instanceof SimulatorControlError)
        return reply(res, err.status, { error: { message: err.message } });
      sim.logger.error({ err }, 'stripe simulator control route failed');
      reply(res, 500, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}
