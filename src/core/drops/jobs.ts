/**
 * The drop's messages in the admin group, as outbox jobs: the progress message (with its
 * Cancel button while the drop runs), its edits in place (a lane of their own, so they keep
 * their order without queueing behind the topic), and the summary.
 */
import { textParams, type FormattedText } from '../formatted-text.js';
import type { Translate } from '../templates.js';
import { messageLane, PRIORITY, type NewOutboxJob } from '../traffic/outbox.js';
import type { Drop } from './ports.js';

/** The callback data of a drop's Cancel button. */
export function dropCancelData(dropId: number): string {
  return `drop:cancel:${dropId}`;
}

/** Reads a Cancel button's callback data (null: not one). */
export function parseDropCancel(data: string): number | null {
  const match = /^drop:cancel:(\d{1,12})$/.exec(data);
  return match ? Number(match[1]) : null;
}

function keyboard(t: Translate, drop: Drop, cancellable: boolean) {
  return {
    reply_markup: {
      inline_keyboard: cancellable
        ? [[{ text: t('drops.cancel_button'), callback_data: dropCancelData(drop.id) }]]
        : [],
    },
  };
}

/** The progress message (once per drop; the summary reuses it with its own key). */
export function progressPost(
  t: Translate,
  drop: Drop,
  text: FormattedText,
  cancellable: boolean,
): NewOutboxJob {
  return {
    kind: 'drop.progress',
    target: {
      type: 'chat',
      chatId: drop.chatId,
      ...(drop.threadId === null ? {} : { threadId: drop.threadId }),
    },
    method: 'sendMessage',
    params: { ...textParams(text), ...keyboard(t, drop, cancellable) },
    priority: PRIORITY.fan,
    dedupeKey: `drop_progress:${drop.id}`,
  };
}

/** An edit of the progress message in place, once per `key`. */
export function progressEdit(
  t: Translate,
  drop: Drop,
  messageId: number,
  text: FormattedText,
  key: string,
  cancellable: boolean,
): NewOutboxJob {
  return {
    kind: 'drop.progress',
    target: { type: 'chat', chatId: drop.chatId },
    lane: messageLane(drop.chatId, messageId),
    method: 'editMessageText',
    params: { message_id: messageId, ...textParams(text), ...keyboard(t, drop, cancellable) },
    priority: PRIORITY.fan,
    dedupeKey: key,
  };
}
