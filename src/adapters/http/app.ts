/**
 * `buildApp(deps)`: the fastify application, built but never listening (only `serve`
 * listens). Routes are registered in the order of routes/index.ts; errors are logged with
 * the request context and answered with a generic 5xx.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import type { MetricsExposition } from './prometheus.js';
import { healthRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { telegramWebhookRoute, type TelegramWebhookDeps } from './routes/telegram-webhook.js';

export interface AppDeps {
  logger: Logger;
  /** Renders GET /metrics. */
  registry: MetricsExposition;
  metrics: RuntimeMetrics;
  /** True when the database answers. */
  health: () => Promise<boolean>;
  /** Absent in polling mode: the webhook route is not registered. */
  telegram?: TelegramWebhookDeps;
  /** Reports unexpected errors to the admins (deduplicated and rate limited upstream). */
  onError?: (err: Error, context: Record<string, unknown>) => Promise<void> | void;
  /** More routes (the Stripe webhook…), registered after the Telegram webhook and health routes. */
  routes?: readonly FastifyPluginAsync[];
  /** METRICS_TOKEN for GET /metrics (absent: loopback only). */
  metricsToken?: string;
  /** Max body size; Telegram updates are small. */
  bodyLimit?: number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setErrorHandler(
    async (err: Error & { statusCode?: number; code?: string }, request, reply) => {
      const status =
        err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      const context = {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url,
        status,
      };
      if (status >= 500) {
        deps.logger.error(
          {
            ...context,
            err: { name: err.name, message: err.message, code: err.code, stack: err.stack },
          },
          'request failed',
        );
        await deps.onError?.(err, context);
        return reply.status(500).send({ error: 'internal error' });
      }
      deps.logger.warn({ ...context, code: err.code }, 'bad request');
      return reply
        .status(status)
        .send({ error: status === 413 ? 'payload too large' : 'bad request' });
    },
  );
  app.setNotFoundHandler(async (_request, reply) => reply.status(404).send({ error: 'not found' }));

  await app.register(healthRoute(deps.health));
  await app.register(metricsRoute(deps.registry, { token: deps.metricsToken }));
  if (deps.telegram)
    await app.register(telegramWebhookRoute(deps.telegram, deps.metrics, deps.logger));
  for (const route of deps.routes ?? []) await app.register(route);
  return app;
}
