/** What a press of a panel button leads to, decided from the stored menu (pure). */
import type { PanelPress } from './callback-data.js';
import type { PanelMenu, StoredButton } from './ports.js';

export type PressDecision =
  /** No such menu or button, another chat, or a wrong nonce: do nothing at all. */
  | { kind: 'forged' }
  /** The button belongs to an earlier version of the menu (a double tap, an old keyboard). */
  | { kind: 'outdated' }
  | { kind: 'ok'; button: StoredButton };

/** Decides a press of `press` made in `chatId` on message `messageId`. */
export function decidePress(
  menu: PanelMenu | null,
  press: PanelPress,
  where: { chatId: number | undefined; messageId: number | undefined },
): PressDecision {
  if (!menu || menu.nonce !== press.nonce || menu.chatId !== where.chatId) {
    return { kind: 'forged' };
  }
  if (menu.messageId !== null && where.messageId !== menu.messageId) return { kind: 'forged' };
  if (press.version > menu.version) return { kind: 'forged' };
  if (press.version < menu.version) return { kind: 'outdated' };
  const button = menu.buttons[press.button];
  if (!button) return { kind: 'forged' };
  return { kind: 'ok', button };
}
