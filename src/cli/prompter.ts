/**
 * The questions the wizard asks, behind an interface so tests (and `--non-interactive`)
 * answer without a terminal. The real one is @inquirer/prompts.
 */
import { confirm, input, password, select } from '@inquirer/prompts';
import { ErrorCodes, PremiumbotError } from '../core/errors.js';

export type Validate = (value: string) => true | string;

export interface Prompter {
  input(options: { message: string; default?: string; validate?: Validate }): Promise<string>;
  password(options: { message: string; validate?: Validate }): Promise<string>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(options: {
    message: string;
    choices: { name: string; value: T; description?: string }[];
    default?: T;
  }): Promise<T>;
}

/** Ctrl-C in a prompt: nothing half-written, say how to resume. */
function interrupted(cause: unknown): never {
  if ((cause as Error)?.name === 'ExitPromptError') {
    throw new PremiumbotError(ErrorCodes.usage, 'Setup was interrupted.', {
      hint: 'Answers confirmed so far are saved in .env; run `premiumbot setup` again to continue (they are the defaults).',
      cause,
    });
  }
  throw cause;
}

/** The interactive prompter (a terminal is required). */
export function inquirerPrompter(): Prompter {
  return {
    input: (o) =>
      input({ message: o.message, default: o.default, validate: o.validate }).catch(interrupted),
    password: (o) =>
      password({ message: o.message, mask: '*', validate: o.validate }).catch(interrupted),
    confirm: (o) => confirm({ message: o.message, default: o.default }).catch(interrupted),
    select: <T extends string>(
      o: Parameters<Prompter['select']>[0] & { choices: { name: string; value: T }[]; default?: T },
    ) =>
      select<T>({ message: o.message, choices: o.choices, default: o.default }).catch(interrupted),
  };
}
