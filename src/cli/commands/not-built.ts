import { ErrorCodes, UsageError } from '../../core/errors.js';

/** The honest answer of a command whose capability is not built yet: exit 2, never pretend. */
export function notBuilt(command: string, issue: string): never {
  throw new UsageError(`\`premiumbot ${command}\` is not built yet in this version.`, {
    code: ErrorCodes.notImplemented,
    hint: `It arrives with ${issue}; see the README for what works today.`,
  });
}
