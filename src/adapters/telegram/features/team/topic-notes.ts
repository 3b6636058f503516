/**
 * What the team features say in a topic: a note replying to the message that asked (so
 * the author sees it is about them), with buttons when there is a choice to make; and the
 * names the team is shown by (remembered from the admin group, `#id` before that).
 */
import type { InlineKeyboardButton } from 'telegraf/types';
import { PRIORITY } from '../../../../core/traffic/outbox.js';
import type { Translate } from '../../../../core/templates.js';
import type { BotDeps } from '../../bot-deps.js';

/** The team's texts, in the admin language. */
export function teamTexts(deps: BotDeps): Translate {
  return deps.fan.templates.forLanguage(deps.fan.adminLanguage);
}

/** Queues a note in topic `threadId`, replying to `replyTo` (once per `key`). */
export async function noteInTopic(
  deps: BotDeps,
  input: {
    threadId: number;
    replyTo?: number;
    text: string;
    key: string;
    buttons?: InlineKeyboardButton.CallbackButton[][];
  },
): Promise<void> {
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'chat', chatId: deps.adminChatId, threadId: input.threadId },
      method: 'sendMessage',
      params: {
        text: input.text,
        ...(input.replyTo === undefined
          ? {}
          : {
              reply_parameters: { message_id: input.replyTo, allow_sending_without_reply: true },
            }),
        ...(input.buttons ? { reply_markup: { inline_keyboard: input.buttons } } : {}),
      },
      priority: PRIORITY.note,
      dedupeKey: input.key,
    },
  ]);
  deps.wakeOutbox();
}

/** Replaces a note's text (and drops its buttons) once its choice was made. */
export async function settleNote(
  deps: BotDeps,
  messageId: number,
  text: string,
  key: string,
): Promise<void> {
  await deps.outbox.enqueue([
    {
      kind: 'notice.topic',
      target: { type: 'chat', chatId: deps.adminChatId },
      method: 'editMessageText',
      params: { message_id: messageId, text },
      priority: PRIORITY.note,
      dedupeKey: key,
    },
  ]);
  deps.wakeOutbox();
}

/** Names to show for these team members (`#id` for someone never seen writing). */
export async function teamNames(
  deps: BotDeps,
  userIds: readonly number[],
): Promise<Map<number, string>> {
  const known = deps.team ? await deps.team.members.namesOf(userIds) : new Map<number, string>();
  for (const id of userIds) if (!known.has(id)) known.set(id, `#${id}`);
  return known;
}

export async function teamName(deps: BotDeps, userId: number): Promise<string> {
  return (await teamNames(deps, [userId])).get(userId)!;
}

/** Answers a callback query at once (a toast when `text` is given); never throws. */
export async function answerQuery(deps: BotDeps, queryId: string, text?: string): Promise<void> {
  await deps.sender
    .send(
      'answerCallbackQuery',
      { callback_query_id: queryId, ...(text ? { text: text.slice(0, 200) } : {}) },
      { maxAttempts: 2 },
    )
    .catch((err: unknown) => deps.logger.debug({ err }, 'team: callback answer failed'));
}
