/**
 * GET /metrics through prom-client: every metric name and label the dashboards use, plus
 * the standard process metrics, scraped from the shipped runtime relaying a real message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../src/adapters/http/prometheus.js';
import { runtimeMetrics } from '../../../src/core/metrics.js';
import { startHarness, topicTexts, type Harness } from '../telegram/harness.js';

describe('the prom-client metrics adapter', () => {
  it('renders counters, gauges from collectors and histograms in Prometheus text', async () => {
    const registry = new MetricsRegistry({ processMetrics: false });
    registry.counter('x_total', 'x', ['kind']).inc({ kind: 'a' }, 2);
    registry
      .gauge('g', 'g', ['chat_id'])
      .collect(async () => [{ labels: { chat_id: -1 }, value: 5 }]);
    registry.histogram('h_seconds', 'h', [0.1, 1]).observe(0.5);
    const text = await registry.render();
    expect(text).toContain('# TYPE x_total counter');
    expect(text).toContain('x_total{kind="a"} 2');
    expect(text).toContain('g{chat_id="-1"} 5');
    expect(text).toContain('h_seconds_bucket{le="0.1"} 0');
    expect(text).toContain('h_seconds_bucket{le="1"} 1');
    expect(text).toContain('h_seconds_count 1');
    expect(registry.counter('x_total', 'x', ['kind']).get({ kind: 'a' })).toBe(2);
  });

  it('a failing collector empties its gauge for that scrape, the rest still renders', async () => {
    const registry = new MetricsRegistry({ processMetrics: false });
    const metrics = runtimeMetrics(registry);
    metrics.outboxDepth.collect(async () => {
      throw new Error('database down');
    });
    metrics.sends.inc({ result: 'ok' });
    const text = await registry.render();
    expect(text).toContain('premiumbot_telegram_sends_total{result="ok"} 1');
    expect(text).toContain('# TYPE premiumbot_outbox_depth gauge');
    expect(text).not.toMatch(/^premiumbot_outbox_depth\{/m);
  });

  it('two registries in one process each render the process metrics once', async () => {
    const a = await new MetricsRegistry().render();
    const b = await new MetricsRegistry().render();
    for (const text of [a, b]) {
      expect(text.match(/^# TYPE process_cpu_seconds_total counter$/gm)).toHaveLength(1);
    }
  });
});

describe('GET /metrics of the runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 0.01, freeMessages: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("has our metrics with their labels and Node's process metrics", async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Mina' });
    sim.control.fanSendsText(fan.id, 'hello');
    await sim.control.waitFor(
      () =>
        sim.control
          .topics(adminChatId)
          .some((t) => topicTexts(sim, adminChatId, t.threadId).includes('hello')),
      10_000,
      'relayed',
    );
    await sim.control.waitFor(
      () => h.runtime.metrics.relays.get({ direction: 'fan' }) === 1,
      10_000,
      'relay counted',
    );
    const res = await h.runtime.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    const text = res.body;
    for (const line of [
      'premiumbot_telegram_updates_total{result="processed"}',
      'premiumbot_relays_total{direction="fan"} 1',
      'premiumbot_telegram_sends_total{result="ok"}',
      'premiumbot_webhook_latency_seconds_bucket{le="+Inf"}',
      'premiumbot_outbox_depth{status="pending"}',
      '# TYPE premiumbot_telegram_429_total counter',
      '# TYPE premiumbot_telegram_chat_pause_seconds gauge',
      '# TYPE premiumbot_alerts_total counter',
      '# TYPE process_cpu_seconds_total counter',
      'process_resident_memory_bytes ',
      'nodejs_eventloop_lag_seconds ',
      '# TYPE nodejs_gc_duration_seconds histogram',
      'nodejs_heap_size_used_bytes ',
    ]) {
      expect(text).toContain(line);
    }
    expect(sim.control.violations()).toEqual([]);
  });
});
