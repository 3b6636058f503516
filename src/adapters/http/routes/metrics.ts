/**
 * GET /metrics: Prometheus text exposition. Counters include payments, so it is not public:
 * with a token configured, a scrape needs `Authorization: Bearer <token>` (checked in
 * constant time); without one, only requests from this machine (loopback, and not relayed
 * by a reverse proxy) are answered.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { MetricsExposition } from '../prometheus.js';
import { secretMatches } from './telegram-webhook.js';

export interface MetricsAccess {
  /** METRICS_TOKEN; undefined: loopback only. */
  token?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Headers a reverse proxy adds: a request through one came from elsewhere, even via loopback. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

function allowed(request: FastifyRequest, access: MetricsAccess): boolean {
  if (access.token === undefined) {
    const proxied = PROXY_HEADERS.some((name) => request.headers[name] !== undefined);
    return !proxied && LOOPBACK.has(request.socket.remoteAddress ?? '');
  }
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  return secretMatches(given, access.token);
}

export function metricsRoute(
  registry: MetricsExposition,
  access: MetricsAccess = {},
): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', async (request, reply) => {
      if (!allowed(request, access)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="premiumbot metrics"')
          .send({ error: 'set METRICS_TOKEN and scrape with Authorization: Bearer <token>' });
      }
      return reply.header('content-type', registry.contentType).send(await registry.render());
    });
  };
}
