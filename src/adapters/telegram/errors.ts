/**
 * The bot's global error handler: logs the failure with its context (update id and type,
 * chat and user ids — never message text or secrets), tells a fan something friendly, and
 * raises a deduplicated, rate-limited alert for the admins.
 */
import type { Context } from 'telegraf';
import { PRIORITY, type OutboxStore } from '../../core/traffic/outbox.js';
import type { Logger } from '../../core/logger.js';
import type { AlertSink } from './alerts.js';

export const FRIENDLY_ERROR_TEXT =
  'Sorry, something went wrong on our side. Nothing you paid for is lost; please try again in a minute.';

export interface BotErrorReporterDeps {
  logger: Logger;
  alerts: AlertSink;
  outbox: Pick<OutboxStore, 'enqueue'>;
  onEnqueued?: () => void;
}

/** Context worth logging about an update: ids and types only. */
export function updateContext(ctx: Context): Record<string, unknown> {
  return {
    updateId: ctx.update.update_id,
    updateType: ctx.updateType,
    chatId: ctx.chat?.id,
    chatType: ctx.chat?.type,
    userId: ctx.from?.id,
  };
}

/** What a log line may say about an error (its message is scrubbed by the logger). */
export function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return {
      name: err.name,
      message: err.message,
      code: (err as { code?: unknown }).code,
      stack: err.stack,
    };
  }
  return { message: String(err) };
}

export function createBotErrorReporter(deps: BotErrorReporterDeps) {
  return async function report(err: unknown, ctx: Context): Promise<void> {
    const context = updateContext(ctx);
    deps.logger.error({ ...context, err: errorSummary(err) }, 'update handler failed');
    if (ctx.chat?.type === 'private') {
      try {
        await deps.outbox.enqueue([
          {
            kind: 'notice.fan',
            target: { type: 'chat', chatId: ctx.chat.id },
            method: 'sendMessage',
            params: { text: FRIENDLY_ERROR_TEXT },
            priority: PRIORITY.teamAnswer,
            fanId: ctx.chat.id,
            dedupeKey: `error:${ctx.update.update_id}`,
          },
        ]);
        deps.onEnqueued?.();
      } catch {
        // The database may be what failed; the alert below and the log still report it.
      }
    }
    const name = err instanceof Error ? err.name : 'Error';
    await deps.alerts.raise({
      key: `update_error:${name}`,
      severity: 'warning',
      text: `An update failed (${name}, update ${ctx.update.update_id}, ${ctx.updateType}). See the logs for details.`,
    });
  };
}
