/** The acting admin of an update, in core/permissions' terms (owners, `admins` table). */
import type { Context } from 'telegraf';
import type { Actor } from '../../../core/permissions.js';
import type { BotDeps } from '../bot-deps.js';

/** The actor of `ctx`: role null for anyone who is not an admin inside the admin group. */
export async function actorOf(
  deps: BotDeps,
  ctx: Context,
): Promise<(Actor & { firstName: string }) | null> {
  if (!ctx.from) return null;
  const decision = await deps.admins.check(ctx);
  return {
    id: ctx.from.id,
    firstName: ctx.from.first_name,
    role: decision.allowed ? decision.role : null,
  };
}

/** Answers a callback query at once (with a toast when `text` is given); never throws. */
export async function answerPress(deps: BotDeps, queryId: string, text?: string): Promise<void> {
  await deps.sender
    .send(
      'answerCallbackQuery',
      { callback_query_id: queryId, ...(text ? { text: text.slice(0, 200) } : {}) },
      { maxAttempts: 2 },
    )
    .catch((err: unknown) => deps.logger.debug({ err }, 'panel: callback answer failed'));
}

/** True when what the panel queued for the admin group cannot be sent right now. */
export function groupBusy(deps: BotDeps): boolean {
  return deps.sender.scheduler.capacity(deps.adminChatId, deps.sender.clock()) === 0;
}
