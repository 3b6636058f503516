/**
 * POST /stripe-webhook: signatures (tolerance, rotation), failures that Stripe retries, and the
 * route's mapping of the webhook's outcomes to status codes.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbLedgerStore } from '../../../src/adapters/db/ledger-store.js';
import { stripeWebhookRoute } from '../../../src/adapters/http/routes/stripe-webhook.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { StripeWebhook, StripeWebhookResult } from '../../../src/core/payments/webhook.js';
import { signatureHeader } from '../../../src/sandbox/stripe/index.js';
import {
  buyAndPay,
  fanState,
  newFan,
  outboxOf,
  sessionIdOf,
  startPaymentsEnv,
  type PaymentsEnv,
} from '../../payments/helpers.js';

async function counts(env: PaymentsEnv) {
  const n = async (table: string) =>
    Number(((await env.db(table).count({ n: '*' })) as Array<{ n: unknown }>)[0]!.n);
  return {
    events: await n('stripe_events'),
    transactions: await n('transactions'),
    ledger: await n('credit_ledger'),
    outbox: await n('outbox'),
  };
}

describe('POST /stripe-webhook signatures', () => {
  let env: PaymentsEnv;
  let payload: string;
  let sessionId: string;
  beforeAll(async () => {
    env = await startPaymentsEnv();
    // A real completed-session event, held back so the test delivers it by hand.
    env.sim.control.pauseDeliveries();
    const fan = newFan('Sig');
    sessionId = sessionIdOf((await env.payments.service.buy(fan, env.products.credits10)).reply);
    env.sim.control.payCheckoutSession(sessionId);
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    const event = env.sim.control.events().find((e) => e.type === 'checkout.session.completed')!;
    payload = JSON.stringify(event);
  });
  afterAll(async () => {
    await env?.close();
  });

  const post = (body: string, header: string) =>
    env.app.inject({
      method: 'POST',
      url: '/stripe-webhook',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
      payload: body,
    });
  const nowSec = () => env.sim.control.clock.now();

  it('rejects a tampered body, a wrong secret, a 301 s old or a 10 min future timestamp with 400 and no change', async () => {
    const before = await counts(env);
    const cases = [
      {
        body: payload.replace('"amount_total":500', '"amount_total":5'),
        header: signatureHeader(payload, env.endpointSecret, nowSec()),
      },
      { body: payload, header: signatureHeader(payload, 'whsec_wrong_secret_123', nowSec()) },
      { body: payload, header: signatureHeader(payload, env.endpointSecret, nowSec() - 301) },
      { body: payload, header: signatureHeader(payload, env.endpointSecret, nowSec() + 600) },
      { body: payload, header: '' },
      { body: payload, header: 't=abc,v1=zz' },
    ];
    expect(cases[0]!.body).not.toBe(payload);
    for (const c of cases) {
      const res = await post(c.body, c.header);
      expect(res.statusCode).toBe(400);
    }
    expect(await counts(env)).toEqual(before);
  });

  it('accepts both secrets during a rotation, and a 299 s old signature', async () => {
    const old = env.secrets[0]!;
    env.secrets.push('whsec_rotated_new_secret');
    try {
      const first = await post(
        payload,
        signatureHeader(payload, 'whsec_rotated_new_secret', nowSec()),
      );
      expect(first.statusCode).toBe(200);
      const second = await post(payload, signatureHeader(payload, old, nowSec() - 299));
      expect(second.statusCode).toBe(200);
    } finally {
      env.secrets.pop();
    }
    const tx = (await env.db('transactions').where('checkout_session_id', sessionId).first()) as {
      status: string;
      user_id: number;
    };
    expect(tx.status).toBe('paid');
    expect((await fanState(env.db, Number(tx.user_id))).grants).toBe(1);
  });

  it('answers 400 for a signed payload that is not a Stripe event', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const res = await post(body, signatureHeader(body, env.endpointSecret, nowSec()));
    expect(res.statusCode).toBe(400);
  });
});

describe('POST /stripe-webhook handler failure', () => {
  let env: PaymentsEnv;
  let failures = 1;
  beforeAll(async () => {
    env = await startPaymentsEnv({
      ledger: (ledger): DbLedgerStore => ({
        ...ledger,
        async grantCredits(...args) {
          if (failures > 0) {
            failures--;
            throw new Error('simulated failure inside the handler');
          }
          return ledger.grantCredits(...args);
        },
      }),
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('answers 5xx, leaves the event unprocessed, and the retry applies it exactly once', async () => {
    const fan = newFan('Fail');
    const sessionId = await buyAndPay(env, fan, env.products.credits10);
    const attempts = env.sim.control
      .deliveries()
      .filter((d) => d.eventType === 'checkout.session.completed');
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
    const event = (await env
      .db('stripe_events')
      .where('id', attempts[0]!.eventId)
      .first()) as Record<string, unknown>;
    expect(Number(event.attempts)).toBe(1);
    expect(event.processed_at).not.toBeNull();
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(
      (await outboxOf(env.db, fan.id)).filter((j) => j.key === `receipt:${sessionId}`),
    ).toHaveLength(1);
  });

  it('a failed event is recorded but not marked processed until a delivery succeeds', async () => {
    failures = 1;
    const fan = newFan('Fail2');
    env.sim.control.pauseDeliveries();
    const sessionId = sessionIdOf(
      (await env.payments.service.buy(fan, env.products.credits10)).reply,
    );
    env.sim.control.payCheckoutSession(sessionId);
    env.sim.control.dropPendingDeliveries();
    env.sim.control.resumeDeliveries();
    const event = env.sim.control
      .events()
      .find(
        (e) =>
          e.type === 'checkout.session.completed' &&
          (e.data.object as { id: string }).id === sessionId,
      )!;
    const body = JSON.stringify(event);
    const res = await env.app.inject({
      method: 'POST',
      url: '/stripe-webhook',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signatureHeader(body, env.endpointSecret, env.sim.control.clock.now()),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal error' });
    const row = (await env.db('stripe_events').where('id', event.id).first()) as Record<
      string,
      unknown
    >;
    expect(row.processed_at).toBeNull();
    expect(String(row.last_error)).toContain('simulated failure');
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 0, grants: 0 });
    expect(await outboxOf(env.db, fan.id)).toEqual([]);
    // Stripe's retry.
    env.sim.control.redeliver(event.id);
    await env.sim.control.waitForDeliveries(30_000);
    expect(await fanState(env.db, fan.id)).toMatchObject({ credits: 10, grants: 1 });
    expect(env.sim.control.violations()).toEqual([]);
  });
});

describe('POST /stripe-webhook status codes', () => {
  const seen: Array<{ body: string; signature: string | undefined }> = [];
  let next: StripeWebhookResult = { status: 'processed' };
  const app = Fastify();
  const webhook: StripeWebhook = {
    async handle(rawBody, signature) {
      seen.push({ body: Buffer.from(rawBody).toString('utf8'), signature });
      return next;
    },
  };
  beforeAll(async () => {
    await app.register(stripeWebhookRoute(webhook, silentLogger));
  });
  afterAll(async () => {
    await app.close();
  });

  it('hands the raw body and the signature over, and maps each outcome to its status', async () => {
    const cases: Array<[StripeWebhookResult, number]> = [
      [{ status: 'processed' }, 200],
      [{ status: 'duplicate' }, 200],
      [{ status: 'bad_signature', reason: 'mismatch' }, 400],
      [{ status: 'invalid', reason: 'not an event' }, 400],
      [{ status: 'retry', reason: 'payment not recorded yet' }, 503],
    ];
    for (const [result, code] of cases) {
      next = result;
      const res = await app.inject({
        method: 'POST',
        url: '/stripe-webhook',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=ab' },
        payload: '{"id": "evt_1" }',
      });
      expect(res.statusCode).toBe(code);
    }
    expect(seen).toHaveLength(cases.length);
    expect(seen[0]).toEqual({ body: '{"id": "evt_1" }', signature: 't=1,v1=ab' });
  });
});
