/** The setup wizard's shared state and the shape of a step. */
import type { TgBotUser } from '../../adapters/telegram/operator-api.js';
import type { CliContext } from '../context.js';
import type { Prompter } from '../prompter.js';
import type { Output } from '../ui.js';
import type { Answers } from './answers.js';

export interface SetupOptions {
  nonInteractive: boolean;
  /** Setting values given as flags (`--bot-token …`), by env key. */
  flags: Record<string, string>;
  /** Push this catalog file to Stripe (`--catalog FILE`). */
  catalog?: string;
  /** Push templates/products.example.yaml (`--example-catalog`). */
  exampleCatalog?: boolean;
  /** Skip the products step's Stripe work (`--skip-products`). */
  skipProducts?: boolean;
  /** Skip set-webhooks (`--skip-webhooks`). */
  skipWebhooks?: boolean;
  /** Write the systemd unit to this path (`--systemd-unit FILE`). */
  systemdUnit?: string;
  /** How long the admin-group step waits for /link (seconds). */
  linkTimeoutSeconds: number;
}

/** What every step gets. */
export interface SetupContext {
  cli: CliContext;
  output: Output;
  prompter: Prompter;
  options: SetupOptions;
  /** The .env being written. */
  envFile: string;
  answers: Answers;
  /** Things learned along the way. */
  facts: { me?: TgBotUser; linkedBy?: number };
  /** Writes the answers to .env (atomic, mode 600). */
  save(): void;
}

export interface SetupStep {
  /** Name used by `premiumbot setup <id>`. */
  id: string;
  title: string;
  /** Settings the step needs an answer for (checked up front with --non-interactive). */
  requires?: readonly string[];
  run(ctx: SetupContext): Promise<void>;
}
