/**
 * The shape of a panel screen and of what the panel is given. A screen renders a view from
 * its state; its buttons either go to another state (`go`) or run one of its actions
 * (`act`); an action may ask for a typed answer (`prompt`), handled by one of its `inputs`.
 * The framework (menus.ts, presses.ts, inputs.ts) does everything else: permissions, menu
 * storage, double taps, stale menus, the outbox, toasts.
 */
import type { FormattedText } from '../../../core/formatted-text.js';
import type { Actor, PanelAction } from '../../../core/permissions.js';
import type { BotDeps } from '../bot-deps.js';
import type { PanelServices } from './services.js';

export type { PanelServices } from './services.js';

/** Who is acting, and with what. */
export interface ScreenContext {
  deps: BotDeps;
  panel: PanelServices;
  actor: Actor & { firstName: string };
  /** The author of the message a command replied to (`/team` as a reply adds them). */
  replyTo?: { id: number; firstName: string; isBot: boolean };
  /** Where the pressed menu is (absent outside a press): a drop posts its progress there. */
  place?: { chatId: number; threadId: number | null };
}

/** A button of a view. */
export type PanelButton =
  /** Shows `screen` (this one when omitted) with `state`. Never acts, so never stale. */
  | { text: string; go: { screen?: string; state: unknown } }
  /** Runs the screen's action `act` with `args` (stale menus refresh instead). */
  | { text: string; act: string; args?: unknown; permission?: PanelAction }
  | { text: string; url: string };

export interface ScreenView {
  text: FormattedText;
  keyboard: PanelButton[][];
  /**
   * Fingerprint of the data the view's actions act on (a setting's value…). A press of an
   * `act` button on a menu whose stamp no longer matches refreshes it and does nothing.
   */
  stamp?: string;
}

/** A typed answer an action asks for (a force-reply prompt in the menu's topic). */
export interface PromptRequest {
  text: string;
  /** The name of the screen's input handler. */
  input: string;
  args?: unknown;
  placeholder?: string;
  permission?: PanelAction;
}

export interface ActionResult<S> {
  /** Shown to the admin who pressed (a toast). */
  toast?: string;
  /** The menu's next state (unchanged when omitted) and screen (this one when omitted). */
  state?: S;
  screen?: string;
  prompt?: PromptRequest;
}

export type InputResult<S> =
  | { ok: true; reply?: FormattedText; state?: S }
  /** Refused: the reason is sent as a reply, nothing changes, the prompt stays open. */
  | { ok: false; reply: FormattedText };

export interface PanelScreen<S> {
  id: string;
  /** Needed to see the screen; actions may need more (the button's `permission`). */
  permission: PanelAction;
  /** The command that opens it, for owners and admins (listed with setMyCommands). */
  command?: { name: string; description: string };
  /** The state a command opens (`arg` is the text after the command). */
  fromCommand(arg: string, ctx: ScreenContext): S | Promise<S>;
  render(ctx: ScreenContext, state: S): Promise<ScreenView>;
  actions?: Record<
    string,
    (ctx: ScreenContext, state: S, args: unknown) => Promise<ActionResult<S>>
  >;
  inputs?: Record<
    string,
    (ctx: ScreenContext, state: S, args: unknown, text: string) => Promise<InputResult<S>>
  >;
}

/** A screen as the registry holds it (its state type erased). */
export type AnyScreen = PanelScreen<unknown>;

/** Declares a screen; the registry stores it with its state type erased. */
export function defineScreen<S>(screen: PanelScreen<S>): AnyScreen {
  return screen as unknown as AnyScreen;
}
