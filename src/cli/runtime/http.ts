/** The HTTP app of the runtime: health, metrics (with the outbox and pause gauges), webhooks. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Db } from '../../adapters/db/knex.js';
import type { DbOutboxStore } from '../../adapters/db/outbox-store.js';
import { buildApp } from '../../adapters/http/app.js';
import type { AlertReporter } from '../../adapters/telegram/alerts.js';
import type { UpdateIntake } from '../../adapters/telegram/intake.js';
import type { TelegramSender } from '../../adapters/telegram/sender.js';
import type { Logger } from '../../core/logger.js';
import type { MetricsRegistry } from '../../adapters/http/prometheus.js';
import type { RuntimeMetrics } from '../../core/metrics.js';
import type { RuntimeOptions } from './types.js';

export interface HttpContext {
  options: RuntimeOptions;
  db: Db;
  registry: MetricsRegistry;
  metrics: RuntimeMetrics;
  outbox: DbOutboxStore;
  sender: TelegramSender;
  alerts: AlertReporter;
  intake: UpdateIntake;
  logger: Logger;
  /** Routes of optional parts (the Stripe webhook). */
  extraRoutes: readonly FastifyPluginAsync[];
}

/**
 * The outbox gauge: live jobs only (pending, sending), counted through a partial index of
 * them — a scrape never walks the history of sent, failed and dead jobs.
 */
async function liveOutboxDepth(
  db: Db,
): Promise<Array<{ labels: { status: string }; value: number }>> {
  const rows = (await db('outbox')
    // Literal statuses: SQLite serves a partial index only for a condition it can read.
    .whereRaw(`status IN ('pending', 'sending')`)
    .select('status')
    .count({ n: '*' })
    .groupBy('status')) as Array<{ status: string; n: number | string }>;
  return LIVE_STATUSES.map((status) => ({
    labels: { status },
    value: Number(rows.find((r) => r.status === status)?.n ?? 0),
  }));
}

const LIVE_STATUSES = ['pending', 'sending'];

export async function buildHttp(context: HttpContext): Promise<FastifyInstance> {
  const { options, db, metrics, sender, alerts, intake } = context;
  metrics.outboxDepth.collect(() => liveOutboxDepth(db));
  metrics.pausedChats.collect(async () => {
    const now = sender.clock();
    return sender.scheduler
      .activePauses(now)
      .map((p) => ({ labels: { chat_id: p.chatId }, value: Math.ceil((p.until - now) / 1000) }));
  });
  return buildApp({
    logger: context.logger.child({ component: 'http' }),
    registry: context.registry,
    metrics,
    health: async () => {
      await db.raw('select 1');
      return true;
    },
    telegram:
      options.mode === 'webhook'
        ? // Bound, not wrapped: a request goes from the route straight to the intake.
          { secret: options.webhookSecret!, accept: intake.accept.bind(intake) }
        : undefined,
    onError: (err) =>
      alerts.raise({
        key: `http_error:${err.name}`,
        severity: 'warning',
        text: `An HTTP request failed (${err.name}). See the logs.`,
      }),
    routes: [...(options.routes ?? []), ...context.extraRoutes],
    metricsToken: options.metricsToken,
  });
}
