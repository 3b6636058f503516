/**
 * A press of a panel button, in order: refuse anyone without rights (a toast, no data);
 * look the button up (a forged or unknown press does nothing); an old keyboard or a double
 * tap is `outdated` (acts never); an action on a menu older than its data refreshes it
 * (`stale`); otherwise claim the menu's version — one atomic update, so a double tap that
 * reached two instances acts once — run the button and show the result in place. The press
 * is answered once the database work is done; what changes in the group is queued.
 */
import type { Context } from 'telegraf';
import { decidePress } from '../../../core/panel/press.js';
import type { PanelPress } from '../../../core/panel/callback-data.js';
import type { PanelMenu, StoredButton } from '../../../core/panel/ports.js';
import { can, isPanelAction } from '../../../core/permissions.js';
import { actorOf, groupBusy } from './actor.js';
import { sendPrompt } from './inputs.js';
import { renderScreen, showInMenu, type Panel } from './menus.js';
import { PANEL_TEXTS } from './texts.js';
import type { ActionResult, ScreenContext } from './types.js';

interface PressContext {
  panel: Panel;
  ctx: ScreenContext;
  menu: PanelMenu;
  messageId: number | null;
}

/** Handles one press of panel data `press`; returns the toast to answer with. */
export async function handlePress(
  panel: Panel,
  tg: Context,
  press: PanelPress,
): Promise<string | undefined> {
  const { deps, services } = panel;
  const actor = await actorOf(deps, tg);
  if (!actor || actor.role === null) return PANEL_TEXTS.refused;
  const message = tg.callbackQuery?.message;
  const menu = await services.menus.get(press.menuId);
  const decision = decidePress(menu, press, {
    chatId: tg.chat?.id,
    messageId: message?.message_id,
  });
  if (decision.kind === 'forged' || !menu) {
    deps.logger.info({ userId: actor.id, menuId: press.menuId }, 'panel: unknown button pressed');
    return undefined;
  }
  if (decision.kind === 'outdated') return PANEL_TEXTS.outdated;
  const screen = panel.screens.get(menu.screen);
  if (!screen || !can(actor, screen.permission)) return PANEL_TEXTS.refused;
  const ctx: ScreenContext = {
    deps,
    panel: services,
    actor,
    place: { chatId: menu.chatId, threadId: menu.threadId },
  };
  const pc: PressContext = { panel, ctx, menu, messageId: message?.message_id ?? null };
  return decision.button.kind === 'go' ? go(pc, decision.button) : act(pc, decision.button);
}

/** Claims the menu's version (false: another press got there first). */
async function claim(pc: PressContext): Promise<boolean> {
  return pc.panel.services.menus.claim(pc.menu.id, pc.menu.version, pc.messageId);
}

function doneToast(pc: PressContext, toast: string | undefined): string | undefined {
  return toast ?? (groupBusy(pc.panel.deps) ? PANEL_TEXTS.queued : undefined);
}

async function go(
  pc: PressContext,
  button: Extract<StoredButton, { kind: 'go' }>,
): Promise<string | undefined> {
  const target = pc.panel.screens.get(button.screen);
  if (!target) return PANEL_TEXTS.gone;
  if (!can(pc.ctx.actor, target.permission)) return PANEL_TEXTS.refusedAction;
  if (!(await claim(pc))) return PANEL_TEXTS.outdated;
  await showInMenu(pc.panel, pc.ctx, pc.menu, pc.menu.version + 1, {
    screen: button.screen,
    state: button.state,
    messageId: pc.messageId,
  });
  return doneToast(pc, undefined);
}

async function act(
  pc: PressContext,
  button: Extract<StoredButton, { kind: 'act' }>,
): Promise<string | undefined> {
  const { panel, ctx, menu } = pc;
  const screen = panel.screens.get(menu.screen)!;
  const handler = screen.actions?.[button.action];
  if (!handler) return PANEL_TEXTS.gone;
  const permission = button.permission;
  if (permission !== undefined && (!isPanelAction(permission) || !can(ctx.actor, permission))) {
    return PANEL_TEXTS.refusedAction;
  }
  // A menu older than its data: show the data as it is now, act on nothing.
  const fresh = await renderScreen(panel, ctx, menu.screen, menu.state);
  if ((fresh?.view.stamp ?? null) !== menu.stamp) {
    if (!(await claim(pc))) return PANEL_TEXTS.outdated;
    const next = { screen: menu.screen, state: menu.state, messageId: pc.messageId };
    await showInMenu(panel, ctx, menu, menu.version + 1, next);
    return PANEL_TEXTS.stale;
  }
  if (!(await claim(pc))) return PANEL_TEXTS.outdated;
  const result: ActionResult<unknown> = await handler(ctx, menu.state, button.args);
  const next = {
    screen: result.screen ?? menu.screen,
    state: result.state === undefined ? menu.state : result.state,
    messageId: pc.messageId,
  };
  const shown = await showInMenu(panel, ctx, menu, menu.version + 1, next);
  if (result.prompt && shown) {
    const where = { ...menu, messageId: menu.messageId ?? pc.messageId };
    await sendPrompt(panel, ctx.actor.id, where, { prompt: result.prompt, stamp: shown.stamp });
    return result.toast ?? PANEL_TEXTS.promptSent;
  }
  return doneToast(pc, result.toast);
}
