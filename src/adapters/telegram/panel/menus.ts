/**
 * Menus: a screen's view turned into one message whose buttons name stored actions, sent
 * and edited in place through the outbox (never waiting for the group's budget here).
 */
import { createHash, randomBytes } from 'node:crypto';
import { textParams } from '../../../core/formatted-text.js';
import { panelCallbackData } from '../../../core/panel/callback-data.js';
import type { MenuContent, PanelMenu, StoredButton } from '../../../core/panel/ports.js';
import { PRIORITY, type NewOutboxJob } from '../../../core/traffic/outbox.js';
import type { BotDeps } from '../bot-deps.js';
import type { AnyScreen, PanelServices, ScreenContext, ScreenView } from './types.js';

/**
 * Panel messages rank with the team's notes: after alerts, payment notices and paid fan
 * messages (DESIGN §6), before free fans' relays.
 */
export const PANEL_PRIORITY = PRIORITY.fan + 5;

/** The panel as the feature holds it: the bot's deps, its services, the screen registry. */
export interface Panel {
  deps: BotDeps;
  services: PanelServices;
  screens: ReadonlyMap<string, AnyScreen>;
}

/** Where a menu lives: the admin group and the topic the command was sent in. */
export interface MenuPlace {
  chatId: number;
  threadId: number | null;
}

interface Materialized {
  content: MenuContent;
  params: Record<string, unknown>;
}

/** The view as message params and stored buttons, for a menu at `version`. */
function materialize(
  view: ScreenView,
  screen: string,
  state: unknown,
  menu: { id: number; nonce: string; version: number },
): Materialized {
  const buttons: StoredButton[] = [];
  const rows = view.keyboard.map((row) =>
    row.map((button) => {
      if ('url' in button) return { text: button.text, url: button.url };
      const stored: StoredButton =
        'go' in button
          ? { kind: 'go', screen: button.go.screen ?? screen, state: button.go.state }
          : {
              kind: 'act',
              action: button.act,
              args: button.args ?? null,
              ...(button.permission ? { permission: button.permission } : {}),
            };
      buttons.push(stored);
      const data = panelCallbackData({
        menuId: menu.id,
        nonce: menu.nonce,
        version: menu.version,
        button: buttons.length - 1,
      });
      return { text: button.text, callback_data: data };
    }),
  );
  const params = { ...textParams(view.text), reply_markup: { inline_keyboard: rows } };
  const rendered = createHash('sha256').update(JSON.stringify(params)).digest('hex');
  return {
    content: { screen, state, buttons, stamp: view.stamp ?? null, rendered },
    params,
  };
}

/** Renders `screen` with `state` for `ctx`. */
export async function renderScreen(
  panel: Panel,
  ctx: ScreenContext,
  screenId: string,
  state: unknown,
): Promise<{ screen: AnyScreen; view: ScreenView } | null> {
  const screen = panel.screens.get(screenId);
  if (!screen) return null;
  return { screen, view: await screen.render(ctx, state) };
}

/** Queues a message of the panel into the menu's topic. */
export async function queuePanelMessage(
  panel: Panel,
  place: MenuPlace,
  params: Record<string, unknown>,
  dedupeKey: string,
): Promise<void> {
  const job: NewOutboxJob = {
    kind: 'panel.message',
    target: {
      type: 'chat',
      chatId: place.chatId,
      ...(place.threadId === null ? {} : { threadId: place.threadId }),
    },
    method: 'sendMessage',
    params,
    priority: PANEL_PRIORITY,
    dedupeKey,
  };
  await panel.deps.outbox.enqueue([job]);
  panel.deps.wakeOutbox();
}

/** Opens a new menu showing `screenId` with `state`: stored, then queued as a new message. */
export async function openMenu(
  panel: Panel,
  ctx: ScreenContext,
  place: MenuPlace,
  screenId: string,
  state: unknown,
  /** Makes the send once-only per cause (a redelivered command opens no second message). */
  dedupeKey?: string,
): Promise<PanelMenu | null> {
  const shown = await renderScreen(panel, ctx, screenId, state);
  if (!shown) return null;
  const nonce = randomBytes(9).toString('base64url');
  const draft = materialize(shown.view, screenId, state, { id: 0, nonce, version: 0 });
  const menu = await panel.services.menus.create({
    ...draft.content,
    nonce,
    chatId: place.chatId,
    threadId: place.threadId,
    createdBy: ctx.actor.id,
  });
  const { params, content } = materialize(shown.view, screenId, state, menu);
  await panel.services.menus.save(menu.id, 0, content);
  await queuePanelMessage(panel, place, params, dedupeKey ?? `panel_menu:${menu.id}`);
  return menu;
}

/**
 * Shows `screenId` with `state` in a menu this caller has just claimed (now at `version`):
 * stores the new buttons and queues the edit of its message. Returns what it now shows
 * (null: the screen is gone, or another press claimed the menu meanwhile).
 */
export async function showInMenu(
  panel: Panel,
  ctx: ScreenContext,
  menu: PanelMenu,
  version: number,
  next: { screen: string; state: unknown; messageId: number | null },
): Promise<MenuContent | null> {
  const shown = await renderScreen(panel, ctx, next.screen, next.state);
  if (!shown) return null;
  const { params, content } = materialize(shown.view, next.screen, next.state, {
    id: menu.id,
    nonce: menu.nonce,
    version,
  });
  if (!(await panel.services.menus.save(menu.id, version, content))) return null;
  const messageId = next.messageId ?? menu.messageId;
  if (messageId === null || content.rendered === menu.rendered) return content;
  await panel.deps.outbox.enqueue([
    {
      kind: 'panel.edit',
      target: { type: 'chat', chatId: menu.chatId },
      method: 'editMessageText',
      params: { message_id: messageId, ...params },
      priority: PANEL_PRIORITY,
      dedupeKey: `panel_edit:${menu.id}:${version}`,
    },
  ]);
  panel.deps.wakeOutbox();
  return content;
}
