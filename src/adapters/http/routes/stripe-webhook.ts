/**
 * POST /stripe-webhook: hands the raw body and its `Stripe-Signature` to the webhook it is
 * given (src/adapters/stripe/webhook.ts verifies, parses and applies) and turns the outcome
 * into a status code: 400 on a bad signature or payload (nothing changed), 200 once the event
 * and its effects are committed (or it was already processed), 503 for an event that depends
 * on one not applied yet, 5xx when applying it failed, so Stripe retries.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../../core/logger.js';
import type { StripeWebhook } from '../../../core/payments/webhook.js';

/** The route, as a fastify plugin whose raw-body parser applies to it alone. */
export function stripeWebhookRoute(webhook: StripeWebhook, logger: Logger): FastifyPluginAsync {
  return async (app) => {
    // Encapsulated: the rest of the app keeps fastify's JSON parser.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    app.post('/stripe-webhook', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['stripe-signature'];
      const result = await webhook.handle(raw, Array.isArray(header) ? header[0] : header);
      switch (result.status) {
        case 'processed':
        case 'duplicate':
        case 'foreign':
          return reply.status(200).send({ received: true });
        case 'bad_signature':
          logger.warn(
            { reqId: request.id, reason: result.reason },
            'stripe webhook: bad signature',
          );
          return reply.status(400).send({ error: 'invalid signature' });
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
