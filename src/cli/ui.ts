import { PremiumbotError } from '../core/errors.js';
import { scrubString } from './logger.js';

/** Where command output goes; injected so tests can capture it. */
export interface Output {
  out(line?: string): void;
  err(line?: string): void;
  /** True when stdout is a terminal (colours, spinners). */
  isTTY: boolean;
}

/** Output to the process streams. */
export function processOutput(): Output {
  return {
    out: (line = '') => process.stdout.write(`${line}\n`),
    err: (line = '') => process.stderr.write(`${line}\n`),
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** The exit code for an error: usage/configuration problems 2, everything else 1. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof PremiumbotError) return err.kind === 'usage' ? 2 : 1;
  return 1;
}

/**
 * Renders any error for the operator, in one place: a message, a hint, and the stack
 * and causes only when verbose. Secrets are scrubbed from everything shown.
 */
export function renderError(err: unknown, output: Output, verbose: boolean): void {
  if (err instanceof PremiumbotError) {
    output.err(scrubString(`Error [${err.code}]: ${err.message}`));
    if (err.hint) output.err(scrubString(`Hint: ${err.hint}`));
  } else {
    const message = err instanceof Error ? err.message : String(err);
    output.err(scrubString(`Error: ${message}`));
    output.err(
      'Hint: this looks like a bug or an unexpected failure; run again with --verbose and report it.',
    );
  }
  if (verbose) {
    let current: unknown = err;
    let depth = 0;
    while (current instanceof Error && depth < 5) {
      output.err(scrubString(current.stack ?? String(current)));
      current = current.cause;
      depth++;
      if (current !== undefined) output.err('Caused by:');
    }
  } else if (err instanceof Error && err.cause instanceof Error) {
    output.err(scrubString(`Cause: ${err.cause.message}`));
  }
}
