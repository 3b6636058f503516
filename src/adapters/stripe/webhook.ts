/**
 * The Stripe webhook: verifies `Stripe-Signature` on the raw body (HMAC-SHA256 of `t.body`
 * with any of the configured secrets, so secrets can be rotated), refuses timestamps more
 * than the tolerance away from our clock in either direction (replays and forged future
 * timestamps), parses the event and applies it through the payment processor. A bad
 * signature or payload changes nothing; an event that depends on a later one asks Stripe to
 * retry; a failed handler throws, so Stripe retries it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import { RetryLaterError, type PaymentProcessor } from '../../core/payments/processor.js';
import type { StripeWebhook, StripeWebhookResult } from '../../core/payments/webhook.js';
import { MalformedEventError, parseStripeEvent } from './events.js';

export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'too_old' | 'in_future' | 'mismatch' };

/** Checks a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) for `payload`. */
export function verifyStripeSignature(
  payload: Uint8Array | string,
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

/** Parses and applies a verified payload. */
export type ApplyStripePayload = (payload: string) => Promise<StripeWebhookResult>;

export interface StripeEventApplierDeps {
  processor: PaymentProcessor;
  logger: Logger;
  /** Called after an event was applied (wakes the outbox worker for its receipts). */
  onProcessed?: () => void;
}

/**
 * Parses a verified payload and applies it: an unreadable payload is `invalid`, an event
 * that depends on one not applied yet is `retry`; a failed handler is logged and thrown.
 */
export function createStripeEventApplier(deps: StripeEventApplierDeps): ApplyStripePayload {
  return async (payload) => {
    let received;
    try {
      received = parseStripeEvent(JSON.parse(payload));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof MalformedEventError) {
        return { status: 'invalid', reason: err.message };
      }
      throw err;
    }
    const log = deps.logger.child({ event: received.id, type: received.type });
    try {
      const status = await deps.processor.process(received);
      if (status === 'processed') deps.onProcessed?.();
      log.debug({ status }, 'stripe event');
      return { status };
    } catch (err) {
      if (err instanceof RetryLaterError) return { status: 'retry', reason: err.message };
      log.error({ err }, 'stripe event handler failed; Stripe will retry');
      throw err;
    }
  };
}

export interface StripeWebhookDeps {
  /** Endpoint signing secrets (`whsec_…`); every one is tried, for rotation. Read at each call. */
  secrets: readonly string[];
  /** Largest allowed distance between the signed timestamp and now (default 300 s). */
  toleranceSeconds?: number;
  /** Milliseconds clock (tests, the simulator's clock). */
  now?: () => number;
  /** What a payload with a good signature goes to. */
  applyPayload: ApplyStripePayload;
}

/** The webhook: a delivery with a good signature is parsed and applied. */
export function createStripeWebhook(deps: StripeWebhookDeps): StripeWebhook {
  const now = deps.now ?? Date.now;
  return {
    async handle(rawBody, signature) {
      const check = verifyStripeSignature(
        rawBody,
        signature,
        deps.secrets,
        Math.floor(now() / 1000),
        deps.toleranceSeconds,
      );
      if (!check.ok) return { status: 'bad_signature', reason: check.reason };
      const body = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
      return deps.applyPayload(body.toString('utf8'));
    },
  };
}
