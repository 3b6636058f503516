/**
 * POST /telegram-webhook: checks X-Telegram-Bot-Api-Secret-Token in constant time (401
 * without touching anything), validates the update's shape, hands it to the intake and
 * answers once its work is persisted. A failed handler answers 500 so Telegram redelivers;
 * the intake gives up (and alerts) after a few failures of the same update.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../../core/logger.js';
import type { RuntimeMetrics } from '../../../core/metrics.js';

/** The intake as the route sees it (src/adapters/telegram/intake.ts implements it). */
export interface TelegramWebhookDeps {
  secret: string;
  accept(update: { update_id: number; [field: string]: unknown }): Promise<string>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Constant-time comparison of two strings of any length. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function telegramWebhookRoute(
  deps: TelegramWebhookDeps,
  metrics: RuntimeMetrics,
  logger: Logger,
): FastifyPluginAsync {
  return async (app) => {
    app.post('/telegram-webhook', async (request, reply) => {
      const started = process.hrtime.bigint();
      const header = request.headers[SECRET_HEADER];
      if (!secretMatches(Array.isArray(header) ? header[0] : header, deps.secret)) {
        metrics.updates.inc({ result: 'unauthorized' });
        logger.warn(
          { reqId: request.id, ip: request.ip },
          'telegram webhook: missing or wrong secret token',
        );
        return reply.status(401).send({ error: 'unauthorized' });
      }
      const parsed = updateSchema.safeParse(request.body);
      if (!parsed.success) {
        metrics.updates.inc({ result: 'invalid' });
        return reply.status(400).send({ error: 'not a Telegram update' });
      }
      const result = await deps.accept(parsed.data);
      metrics.webhookLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      if (result === 'failed') return reply.status(500).send({ error: 'internal error' });
      if (result === 'closed') return reply.status(503).send({ error: 'shutting down' });
      return reply.status(200).send({ ok: true });
    });
  };
}
