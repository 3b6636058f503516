/**
 * The panel's stored menus (one per panel message) and their persistence port, implemented
 * over knex in src/adapters/db/panel-menu-store.ts.
 */

/** What a stored button does: go to a screen state, or run a screen's action. */
export type StoredButton =
  | { kind: 'go'; screen: string; state: unknown }
  | { kind: 'act'; action: string; args: unknown; permission?: string };

/** A typed answer the menu waits for (after a force-reply prompt). */
export interface AwaitingInput {
  userId: number;
  input: string;
  args: unknown;
  /** The menu's stamp when the prompt was sent. */
  stamp: string | null;
  /** What the answer needs besides seeing the screen (a `section:action`). */
  permission?: string;
}

export interface PanelMenu {
  id: number;
  nonce: string;
  chatId: number;
  threadId: number | null;
  messageId: number | null;
  screen: string;
  state: unknown;
  buttons: StoredButton[];
  stamp: string | null;
  /** Hash of the text and keyboard last sent, so an unchanged menu is not edited again. */
  rendered: string | null;
  version: number;
  awaiting: AwaitingInput | null;
  createdBy: number;
  updatedAt: Date;
}

/** What a new version of a menu shows. */
export interface MenuContent {
  screen: string;
  state: unknown;
  buttons: StoredButton[];
  stamp: string | null;
  rendered: string;
}

export interface PanelMenuStore {
  /** Stores a new menu at version 0. */
  create(
    menu: MenuContent & {
      nonce: string;
      chatId: number;
      threadId: number | null;
      createdBy: number;
    },
  ): Promise<PanelMenu>;
  get(id: number): Promise<PanelMenu | null>;
  /**
   * Moves the menu from `version` to `version + 1` (one atomic conditional update): true for
   * exactly one caller of a version, on any instance. Records the message id when unknown
   * and closes the prompt the menu waited on.
   */
  claim(id: number, version: number, messageId: number | null): Promise<boolean>;
  /** Stores what the menu shows now, if it is still at `version`; false otherwise. */
  save(id: number, version: number, content: MenuContent): Promise<boolean>;
  /** Sets (or clears, with null) the typed answer the menu waits for. */
  setAwaiting(id: number, awaiting: AwaitingInput | null): Promise<void>;
  /** The latest menu of `chatId` waiting for an answer from `userId`. */
  findAwaiting(chatId: number, userId: number): Promise<PanelMenu | null>;
}
