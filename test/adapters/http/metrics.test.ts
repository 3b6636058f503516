/**
 * GET /metrics is not public: payment counters are in it. With METRICS_TOKEN a scrape needs
 * the bearer token; without it only this machine may scrape (not through a reverse proxy).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { silentLogger } from '../../../src/core/logger.js';
import { MetricsRegistry } from '../../../src/adapters/http/prometheus.js';
import { runtimeMetrics } from '../../../src/core/metrics.js';

async function appWith(metricsToken?: string) {
  const registry = new MetricsRegistry();
  return buildApp({
    logger: silentLogger,
    registry,
    metrics: runtimeMetrics(registry),
    health: async () => true,
    metricsToken,
  });
}

describe('GET /metrics', () => {
  const apps: Array<Awaited<ReturnType<typeof appWith>>> = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('without METRICS_TOKEN: answers this machine only, never a remote or proxied request', async () => {
    const app = await appWith();
    apps.push(app);
    const local = await app.inject({ method: 'GET', url: '/metrics' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('premiumbot_telegram_updates_total');
    const remote = await app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
    });
    expect(remote.statusCode).toBe(401);
    expect(remote.body).not.toContain('premiumbot_');
    const proxied = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(proxied.statusCode).toBe(401);
  });

  it('with METRICS_TOKEN: only the bearer token opens it, from anywhere', async () => {
    const token = 'metrics-token-for-tests_1234';
    const app = await appWith(token);
    apps.push(app);
    const none = await app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const wrong = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.7',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('premiumbot_telegram_updates_total');
  });
});
