/** GET /metrics: Prometheus text exposition. */
import type { FastifyPluginAsync } from 'fastify';
import type { MetricsRegistry } from '../../../core/metrics.js';

export function metricsRoute(registry: MetricsRegistry): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (_request, reply) =>
      reply
        .header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
        .send(await registry.render()),
    );
  };
}
