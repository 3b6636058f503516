/** GET /healthz: 200 when the database answers, 503 otherwise. */
import type { FastifyPluginAsync } from 'fastify';

export function healthRoute(health: () => Promise<boolean>): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async (_request, reply) => {
      const ok = await health().catch(() => false);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
    });
  };
}
