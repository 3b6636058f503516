/**
 * Typed answers: an action asks for a value (a force-reply prompt in the menu's topic) and
 * the admin answers by replying to the prompt or to the menu. Only such a reply, from the
 * admin the menu waits for, in the menu's topic, is taken (never relayed to a fan); anything
 * else passes on. A refused value gets its reason as a reply and changes nothing.
 */
import type { Context } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { FormattedText } from '../../../core/formatted-text.js';
import { textParams } from '../../../core/formatted-text.js';
import type { PanelMenu } from '../../../core/panel/ports.js';
import { can, isPanelAction } from '../../../core/permissions.js';
import { actorOf } from './actor.js';
import { queuePanelMessage, renderScreen, showInMenu, type Panel } from './menus.js';
import { PANEL_TEXTS } from './texts.js';
import type { PromptRequest, ScreenContext } from './types.js';

/** The tag a prompt carries so that only a reply to it (or to the menu) is taken. */
function promptTag(menu: Pick<PanelMenu, 'id' | 'nonce'>): string {
  return `#${menu.id}${menu.nonce.slice(0, 4)}`;
}

/** Stores what the menu waits for and queues the force-reply prompt. */
export async function sendPrompt(
  panel: Panel,
  userId: number,
  menu: PanelMenu,
  request: { prompt: PromptRequest; stamp: string | null },
): Promise<void> {
  const { prompt } = request;
  await panel.services.menus.setAwaiting(menu.id, {
    userId,
    input: prompt.input,
    args: prompt.args ?? null,
    stamp: request.stamp,
    ...(prompt.permission ? { permission: prompt.permission } : {}),
  });
  const place = { chatId: menu.chatId, threadId: menu.threadId };
  const text = `${prompt.text}\n\n${PROMPT_FOOTER} ${promptTag(menu)}`;
  const markup = {
    force_reply: true,
    ...(prompt.placeholder ? { input_field_placeholder: prompt.placeholder.slice(0, 64) } : {}),
  };
  await queuePanelMessage(
    panel,
    place,
    { text, reply_markup: markup },
    `panel_prompt:${menu.id}:${menu.version}`,
  );
}

const PROMPT_FOOTER = 'Reply to this message with the value, or /cancel.';

type TextMessage = Message.TextMessage & {
  reply_to_message?: Message & { text?: string; forum_topic_created?: unknown };
};

/** The topic of a message (null: General or a group without topics). */
function threadOf(message: TextMessage): number | null {
  return message.is_topic_message ? (message.message_thread_id ?? null) : null;
}

/** True when `message` answers the prompt or the menu of `menu`. */
function answersMenu(panel: Panel, message: TextMessage, menu: PanelMenu): boolean {
  const reply = message.reply_to_message;
  if (!reply || reply.from?.id !== panel.deps.botInfo.id || reply.forum_topic_created) return false;
  if (threadOf(message) !== menu.threadId) return false;
  if (menu.messageId !== null && reply.message_id === menu.messageId) return true;
  return (reply.text ?? '').endsWith(promptTag(menu));
}

async function replyTo(
  panel: Panel,
  menu: PanelMenu,
  message: TextMessage,
  text: FormattedText | string,
): Promise<void> {
  const formatted = typeof text === 'string' ? { text, entities: [] } : text;
  await queuePanelMessage(
    panel,
    { chatId: menu.chatId, threadId: menu.threadId },
    {
      ...textParams(formatted),
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
    },
    `panel_reply:${menu.chatId}:${message.message_id}`,
  );
}

/** Takes `tg`'s message when it answers a prompt; false to let other features have it. */
export async function handleInput(panel: Panel, tg: Context): Promise<boolean> {
  const message = tg.message as TextMessage | undefined;
  if (!message || typeof message.text !== 'string' || !tg.from) return false;
  if (tg.chat?.id !== panel.deps.adminChatId || !message.reply_to_message) return false;
  const menu = await panel.services.menus.findAwaiting(tg.chat.id, tg.from.id);
  const awaiting = menu?.awaiting;
  if (!menu || !awaiting || !answersMenu(panel, message, menu)) return false;
  const { services } = panel;
  const actor = await actorOf(panel.deps, tg);
  const screen = panel.screens.get(menu.screen);
  const handler = screen?.inputs?.[awaiting.input];
  const needed = awaiting.permission;
  const allowed =
    actor !== null &&
    screen !== undefined &&
    can(actor, screen.permission) &&
    (needed === undefined || (isPanelAction(needed) && can(actor, needed)));
  if (!allowed || !handler || message.text.trim() === '/cancel') {
    await services.menus.setAwaiting(menu.id, null);
    await replyTo(panel, menu, message, allowed ? PANEL_TEXTS.cancelled : PANEL_TEXTS.refused);
    return true;
  }
  const ctx: ScreenContext = { deps: panel.deps, panel: services, actor: actor! };
  const fresh = await renderScreen(panel, ctx, menu.screen, menu.state);
  if ((fresh?.view.stamp ?? null) !== awaiting.stamp) {
    // Someone changed it since the prompt: show the current data, take nothing yet.
    const shown = (await services.menus.claim(menu.id, menu.version, null))
      ? await showInMenu(panel, ctx, menu, menu.version + 1, {
          screen: menu.screen,
          state: menu.state,
          messageId: null,
        })
      : null;
    await services.menus.setAwaiting(menu.id, {
      ...awaiting,
      stamp: shown?.stamp ?? fresh?.view.stamp ?? null,
    });
    await replyTo(panel, menu, message, PANEL_TEXTS.staleInput);
    return true;
  }
  const result = await handler(ctx, menu.state, awaiting.args, message.text);
  if (!result.ok) {
    await replyTo(panel, menu, message, result.reply);
    return true;
  }
  await services.menus.setAwaiting(menu.id, null);
  if (await services.menus.claim(menu.id, menu.version, null)) {
    const state = result.state === undefined ? menu.state : result.state;
    await showInMenu(panel, ctx, menu, menu.version + 1, {
      screen: menu.screen,
      state,
      messageId: null,
    });
  }
  if (result.reply) await replyTo(panel, menu, message, result.reply);
  return true;
}
