/** Messages to a fan's private chat, as outbox jobs. */
import type { InlineKeyboard } from '../keyboards.js';
import { translateFirst, type Translate } from '../templates.js';
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

/**
 * The polite refusal of content the relay does not carry (`unsupportedContentOf`): free,
 * one per message.
 */
export function unsupportedNotice(
  fanId: number,
  messageId: number,
  field: string,
  t: Translate,
): NewOutboxJob {
  const kind = translateFirst(t, [`unsupported.${field}`, 'unsupported.rich_message']);
  return fanNotice(fanId, t('unsupported', { kind }), {
    dedupeKey: `unsupported:${fanId}:${messageId}`,
  });
}
