/** POST /telegram-webhook, /healthz and /metrics through app.inject. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { secretMatches } from '../../../src/adapters/http/routes/telegram-webhook.js';
import { silentLogger } from '../../../src/core/logger.js';
import { MetricsRegistry } from '../../../src/adapters/http/prometheus.js';
import { runtimeMetrics } from '../../../src/core/metrics.js';
import { startHarness, WEBHOOK_SECRET, type Harness } from '../telegram/harness.js';

function fanMessage(updateId: number, fanId = 4242) {
  return {
    update_id: updateId,
    message: {
      message_id: 7,
      date: Math.floor(Date.now() / 1000),
      chat: { id: fanId, type: 'private', first_name: 'Ada' },
      from: { id: fanId, is_bot: false, first_name: 'Ada' },
      text: 'a paid message',
    },
  };
}

describe('POST /telegram-webhook', () => {
  let h: Harness;
  beforeAll(async () => {
    // Built but not started: nothing sends, so the outbox shows exactly what intake persisted.
    h = await startHarness({ mode: 'none' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const counts = async () => ({
    updates: (await h.testDb.db('telegram_updates').count({ n: '*' }))[0]!.n,
    outbox: (await h.testDb.db('outbox').count({ n: '*' }))[0]!.n,
    users: (await h.testDb.db('users').count({ n: '*' }))[0]!.n,
  });

  it('rejects a missing or wrong secret with 401 and changes nothing', async () => {
    const before = await counts();
    const missing = await h.runtime.app.inject({
      method: 'POST',
      url: '/telegram-webhook',
      payload: fanMessage(1),
    });
    expect(missing.statusCode).toBe(401);
    const wrong = await h.runtime.app.inject({
      method: 'POST',
      url: '/telegram-webhook',
      headers: { 'x-telegram-bot-api-secret-token': `${WEBHOOK_SECRET}x` },
      payload: fanMessage(1),
    });
    expect(wrong.statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('persists the relay before answering 200, and processes a repeated update_id once', async () => {
    const post = () =>
      h.runtime.app.inject({
        method: 'POST',
        url: '/telegram-webhook',
        headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        payload: fanMessage(900_001),
      });
    const first = await post();
    expect(first.statusCode).toBe(200);
    const jobs = await h.testDb.db('outbox').where({ kind: 'relay.fan' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'pending', dedupe_key: 'relay:fan:4242:7' });

    // Telegram retrying while the first delivery is still running, then once more later.
    const concurrent = await Promise.all([post(), post()]);
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await post()).statusCode).toBe(200);
    expect(await h.testDb.db('outbox').where({ kind: 'relay.fan' })).toHaveLength(1);
    expect(await h.testDb.db('telegram_updates').where({ update_id: 900_001 })).toHaveLength(1);

    const metrics = (await h.runtime.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/premiumbot_telegram_updates_total\{result="duplicate"\} [23]/);
    expect(metrics).toContain('premiumbot_telegram_updates_total{result="processed"} 1');
    expect(metrics).toMatch(/premiumbot_outbox_depth\{status="pending"\} 1/);
    expect(metrics).toContain('premiumbot_webhook_latency_seconds_count 4');
  });

  it('answers 400 to a body that is not an update', async () => {
    const res = await h.runtime.app.inject({
      method: 'POST',
      url: '/telegram-webhook',
      headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      payload: { hello: 'world' },
    });
    expect(res.statusCode).toBe(400);
  });

  it('reports health from the database', async () => {
    const ok = await h.runtime.app.inject({ method: 'GET', url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok' });
    const registry = new MetricsRegistry();
    const down = await buildApp({
      logger: silentLogger,
      registry,
      metrics: runtimeMetrics(registry),
      health: async () => {
        throw new Error('connection refused');
      },
    });
    const res = await down.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    // Polling mode has no webhook route.
    expect(
      (await down.inject({ method: 'POST', url: '/telegram-webhook', payload: {} })).statusCode,
    ).toBe(404);
    await down.close();
  });

  it('answers a generic 500 when a route throws, and reports it', async () => {
    const registry = new MetricsRegistry();
    const reported: string[] = [];
    const app = await buildApp({
      logger: silentLogger,
      registry,
      metrics: runtimeMetrics(registry),
      health: async () => true,
      onError: (err) => {
        reported.push(err.message);
      },
      routes: [
        async (instance) => {
          instance.get('/boom', async () => {
            throw new Error('secret internals');
          });
        },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internals');
    expect(reported).toEqual(['secret internals']);
    await app.close();
  });
});

describe('secretMatches', () => {
  it('compares in constant time and exactly', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abd', 'abc')).toBe(false);
    expect(secretMatches('ab', 'abc')).toBe(false);
    expect(secretMatches(undefined, 'abc')).toBe(false);
  });
});
