/**
 * Callback data of panel buttons: `pn:<menu id>.<nonce>:<version>:<button>`. It names a
 * button of a stored menu and nothing else — what the button does is looked up server-side
 * (core/panel/press.ts), so editing the data can at most name another button of a menu
 * whose random nonce the sender knows.
 */

export const PANEL_PREFIX = 'pn:';

export interface PanelPress {
  menuId: number;
  nonce: string;
  version: number;
  button: number;
}

const PATTERN = /^pn:(\d{1,15})\.([A-Za-z0-9_-]{8,16}):(\d{1,9}):(\d{1,3})$/;

/** The callback data of button `button` of a menu at `version` (always under 64 bytes). */
export function panelCallbackData(press: PanelPress): string {
  return `${PANEL_PREFIX}${press.menuId}.${press.nonce}:${press.version}:${press.button}`;
}

/** The press named by `data`, or null when it is not well-formed panel data. */
export function parsePanelCallback(data: string | undefined): PanelPress | null {
  const match = data === undefined ? null : PATTERN.exec(data);
  if (!match) return null;
  return {
    menuId: Number(match[1]),
    nonce: match[2]!,
    version: Number(match[3]),
    button: Number(match[4]),
  };
}
