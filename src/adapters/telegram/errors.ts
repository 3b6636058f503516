/**
 * The bot's global error handler: logs the failure with its context (update id and type,
 * chat and user ids — never message text or secrets), tells a fan something friendly, and
 * raises a deduplicated, rate-limited alert for the admins.
 */
import type { Context } from 'telegraf';
import { PRIORITY, type OutboxStore } from '../../core/traffic/outbox.js';
import type { Logger } from '../../core/logger.js';
import { personLabel, type AlertSink } from './alerts.js';

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
      text: failureText(ctx, name),
    });
  };
}

const WHAT: Record<string, string> = {
  message: 'a message',
  edited_message: 'an edited message',
  callback_query: 'a button press',
  my_chat_member: 'a membership change',
  message_reaction: 'a reaction',
  pre_checkout_query: 'a payment confirmation',
};

/** The alert about a failed update: who did what, where, and what to do; ids only for the logs. */
export function failureText(ctx: Context, errorName: string): string {
  const what = WHAT[ctx.updateType] ?? 'an update';
  const from = ctx.from;
  const who = from
    ? ` from ${personLabel(
        {
          id: from.id,
          firstName: from.first_name,
          lastName: from.last_name,
          username: from.username,
        },
        from.id,
      ).replace(/^A fan/, 'someone')}`
    : '';
  const where =
    ctx.chat?.type === 'private' ? ' in their private chat' : ctx.chat ? ' in the group' : '';
  const told =
    ctx.chat?.type === 'private'
      ? ' They were told something went wrong and that nothing they paid for is lost.'
      : '';
  return (
    `The bot could not handle ${what}${who}${where} (${errorName}).${told} ` +
    'If it matters, ask them to try again; if it keeps happening, run `premiumbot doctor` and ' +
    `check the logs (update ${ctx.update.update_id}).`
  );
}
