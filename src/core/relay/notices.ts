/** Messages to a fan's private chat, as outbox jobs. */
import type { InlineKeyboard } from '../keyboards.js';
import { PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';

/** A message to the fan's private chat. */
export function fanNotice(
  fanId: number,
  text: string,
  options: { keyboard?: InlineKeyboard; dedupeKey?: string; priority?: number; kind?: string } = {},
): NewOutboxJob {
  const params: Record<string, unknown> = { text };
  if (options.keyboard) params.reply_markup = options.keyboard;
  return {
    kind: options.kind ?? 'notice.fan',
    target: { type: 'chat', chatId: fanId },
    method: 'sendMessage',
    params,
    priority: options.priority ?? PRIORITY.teamAnswer,
    fanId,
    ...(options.dedupeKey ? { dedupeKey: options.dedupeKey } : {}),
  };
}
