/**
 * The admin panel's screens, in the order their commands are listed in Telegram's menu.
 * Add a screen here (see src/adapters/telegram/panel/README.md).
 */
import { auditScreen } from '../panel/screens/audit.js';
import { dashboardScreen } from './dashboard.js';
import { conversationsScreen } from '../panel/screens/conversations.js';
import { dropsScreen } from '../panel/screens/drops.js';
import { productsScreen } from '../panel/screens/products.js';
import { settingsScreen } from '../panel/screens/settings.js';
import { teamScreen } from '../panel/screens/team.js';
import { snippetsScreen } from '../panel/screens/snippets.js';
import { teamFiguresScreen } from '../panel/screens/team-figures.js';
import { usersScreen } from '../panel/screens/users.js';
import { vaultScreen } from '../panel/screens/vault.js';
import type { AnyScreen } from '../panel/types.js';

export const PANEL_SCREENS: readonly AnyScreen[] = [
  dashboardScreen,
  conversationsScreen,
  usersScreen,
  productsScreen,
  vaultScreen,
  dropsScreen,
  settingsScreen,
  auditScreen,
  snippetsScreen,
  teamFiguresScreen,
  teamScreen,
];
