/**
 * The panel's commands: answered in the admin group only, in the topic they were sent in;
 * anyone without the screen's permission gets a short refusal (at most one a minute each)
 * and no data. `publishPanelCommands` lists them in Telegram's menu for the group's admins.
 */
import type { Context } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { Logger } from '../../../core/logger.js';
import { can } from '../../../core/permissions.js';
import type { TelegramSender } from '../sender.js';
import { actorOf } from './actor.js';
import { openMenu, queuePanelMessage, type MenuPlace, type Panel } from './menus.js';
import { PANEL_TEXTS } from './texts.js';
import type { AnyScreen, ScreenContext } from './types.js';

/** Admin-group commands that are not panel screens but belong in the same menu. */
export const OTHER_TEAM_COMMANDS: readonly { command: string; description: string }[] = [
  { command: 'delete', description: 'As a reply to a team answer: take it back from the fan' },
  { command: 'take', description: 'In a fan’s topic: this fan is yours' },
  { command: 'release', description: 'In a fan’s topic: drop your claim' },
  { command: 'assign', description: 'In a fan’s topic: give the fan to a team member' },
  { command: 'duty', description: 'on|off: take new paying fans in turn' },
  {
    command: 's',
    description: 'In a fan’s topic: send a saved reply (/s NAME, or /s for buttons)',
  },
  { command: 'snippet', description: 'add|edit|delete NAME (add/edit as a reply): saved replies' },
];

/** The topic a message was sent in (null: General). */
export function placeOf(message: Message): MenuPlace {
  const topic = 'is_topic_message' in message && message.is_topic_message;
  return {
    chatId: message.chat.id,
    threadId: topic ? (message.message_thread_id ?? null) : null,
  };
}

/** The author of the message `message` really replies to (not a topic's first message). */
function replyAuthor(message: Message): ScreenContext['replyTo'] {
  const reply = (message as Message & { reply_to_message?: Message }).reply_to_message;
  const thread = 'message_thread_id' in message ? message.message_thread_id : undefined;
  if (!reply?.from || reply.message_id === thread || 'forum_topic_created' in reply) return;
  return { id: reply.from.id, firstName: reply.from.first_name, isBot: reply.from.is_bot };
}

/** Handles `/<screen command> [arg]` sent in the admin group. */
export async function openFromCommand(panel: Panel, tg: Context, screen: AnyScreen): Promise<void> {
  const message = tg.message;
  if (!message) return;
  const place = placeOf(message);
  const actor = await actorOf(panel.deps, tg);
  if (!actor || !can(actor, screen.permission)) {
    const minute = Math.floor(Date.now() / 60_000);
    await queuePanelMessage(
      panel,
      place,
      { text: PANEL_TEXTS.refused },
      `panel_refused:${message.chat.id}:${actor?.id ?? 0}:${minute}`,
    );
    return;
  }
  const ctx = { deps: panel.deps, panel: panel.services, actor, replyTo: replyAuthor(message) };
  const arg = ((tg as { payload?: string }).payload ?? '').trim();
  const state = await screen.fromCommand(arg, ctx);
  await openMenu(
    panel,
    ctx,
    place,
    screen.id,
    state,
    `panel_cmd:${message.chat.id}:${message.message_id}`,
  );
}

/**
 * Lists the panel's commands for the administrators of the admin group (Telegram shows
 * them in the group's command menu to its admins only). A failure is logged: the commands
 * work without the menu.
 */
export async function publishPanelCommands(
  sender: TelegramSender,
  screens: readonly AnyScreen[],
  adminChatId: number,
  logger: Logger,
): Promise<void> {
  const commands = [
    ...screens.flatMap((s) =>
      s.command ? [{ command: s.command.name, description: s.command.description }] : [],
    ),
    ...OTHER_TEAM_COMMANDS,
  ];
  try {
    await sender.send(
      'setMyCommands',
      { commands, scope: { type: 'chat_administrators', chat_id: adminChatId } },
      { maxAttempts: 3 },
    );
  } catch (err) {
    logger.warn({ err }, 'could not publish the admin command menu');
  }
}
