/** Wires the panel into the bot: one command per screen, the `pn:` buttons, typed answers. */
import type { Context, Telegraf } from 'telegraf';
import { PANEL_PREFIX, parsePanelCallback } from '../../../core/panel/callback-data.js';
import type { BotDeps } from '../bot-deps.js';
import { answerPress } from './actor.js';
import { openFromCommand } from './commands.js';
import { handleInput } from './inputs.js';
import type { Panel } from './menus.js';
import { handlePress } from './presses.js';
import type { AnyScreen } from './types.js';

const FAILED = 'Something went wrong; nothing was done. Try again.';

/** Registers `screens`; without `deps.panel` (no panel services) nothing is registered. */
export function registerPanel(
  bot: Telegraf<Context>,
  deps: BotDeps,
  screens: readonly AnyScreen[],
): void {
  if (!deps.panel) return;
  const panel: Panel = {
    deps,
    services: deps.panel,
    screens: new Map(screens.map((screen) => [screen.id, screen])),
  };
  for (const screen of screens) {
    if (!screen.command) continue;
    bot.command(screen.command.name, async (ctx, next) => {
      if (ctx.chat.id !== deps.adminChatId) return next();
      await openFromCommand(panel, ctx, screen);
    });
  }
  bot.action(new RegExp(`^${PANEL_PREFIX}`), async (ctx) => {
    const query = ctx.callbackQuery;
    const press = 'data' in query ? parsePanelCallback(query.data) : null;
    let toast: string | undefined;
    try {
      toast = press ? await handlePress(panel, ctx, press) : undefined;
    } catch (err) {
      await answerPress(deps, query.id, FAILED);
      throw err;
    }
    await answerPress(deps, query.id, toast);
  });
  bot.on('message', async (ctx, next) => {
    if (await handleInput(panel, ctx)) return;
    return next();
  });
}
