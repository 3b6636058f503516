/**
 * POST /stripe-webhook: verifies `Stripe-Signature` against the raw body (HMAC-SHA256 of
 * `t.body` with any of the configured secrets, so secrets can be rotated), refuses
 * timestamps more than `toleranceSeconds` away from our clock in either direction (replays
 * and forged future timestamps), then hands the verified payload to the payment handler.
 * 400 without touching state on a bad signature or payload; 200 once the event and its
 * effects are committed (or it was already processed); 5xx when applying it failed, so
 * Stripe retries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../../core/logger.js';

/** What the payment handler did with a verified payload. */
export type StripeWebhookResult =
  | { status: 'processed' | 'duplicate' }
  /** Not a readable Stripe event: 400. */
  | { status: 'invalid'; reason: string }
  /** Depends on an event not applied yet: 503, Stripe retries later. */
  | { status: 'retry'; reason: string };

export interface StripeWebhookDeps {
  /** Endpoint signing secrets (`whsec_…`); every one is tried, for rotation. */
  secrets: readonly string[];
  /** Largest allowed distance between the signed timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Milliseconds clock (tests, the simulator's clock). */
  now?: () => number;
  handle(payload: string): Promise<StripeWebhookResult>;
}

export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'too_old' | 'in_future' | 'mismatch' };

/** Checks a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) for `payload`. */
export function verifyStripeSignature(
  payload: Buffer | string,
  header: string | undefined,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = STRIPE_SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value))
      signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (nowSeconds - timestamp > toleranceSeconds) return { ok: false, reason: 'too_old' };
  if (timestamp - nowSeconds > toleranceSeconds) return { ok: false, reason: 'in_future' };
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret)
      .update(`${timestamp}.`, 'utf8')
      .update(body)
      .digest();
    if (signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) {
      return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: 'mismatch' };
}

/** The route, as a fastify plugin whose raw-body parser applies to it alone. */
export function stripeWebhookRoute(deps: StripeWebhookDeps, logger: Logger): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    // Encapsulated: the rest of the app keeps fastify's JSON parser.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    app.post('/stripe-webhook', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['stripe-signature'];
      const check = verifyStripeSignature(
        raw,
        Array.isArray(header) ? header[0] : header,
        deps.secrets,
        Math.floor(now() / 1000),
        deps.toleranceSeconds,
      );
      if (!check.ok) {
        logger.warn({ reqId: request.id, reason: check.reason }, 'stripe webhook: bad signature');
        return reply.status(400).send({ error: 'invalid signature' });
      }
      const result = await deps.handle(raw.toString('utf8'));
      switch (result.status) {
        case 'processed':
        case 'duplicate':
          return reply.status(200).send({ received: true });
        case 'invalid':
          logger.warn({ reqId: request.id, reason: result.reason }, 'stripe webhook: bad payload');
          return reply.status(400).send({ error: 'invalid payload' });
        case 'retry':
          logger.info({ reqId: request.id, reason: result.reason }, 'stripe webhook: retry later');
          return reply.status(503).send({ error: 'not ready, retry later' });
      }
    });
  };
}
