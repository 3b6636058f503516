/**
 * The admin panel (issue 14) for owners and admins in the admin group: the commands of
 * every screen in features/panel-screens.ts, their inline menus and typed answers. Runs
 * before the team's relay, so a command or an answer to a prompt never reaches a fan.
 */
import type { Feature } from '../bot-deps.js';
import { registerPanel } from '../panel/register.js';
import { PANEL_SCREENS } from './panel-screens.js';

export const panelMenusFeature: Feature = {
  name: 'panel-menus',
  register(bot, deps) {
    registerPanel(bot, deps, PANEL_SCREENS);
  },
};
